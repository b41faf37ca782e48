package dev.echo.showcase;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operation that only the showcase's own page (or a script that means it) may call: the
 * request must carry the {@value DashboardHeaderFilter#HEADER} header ({@link DashboardHeaderFilter}).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface DashboardOnly {
}
