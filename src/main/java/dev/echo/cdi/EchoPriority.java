package dev.echo.cdi;

import dev.echo.task.Priority;
import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Two uses:
 * <ul>
 *   <li>a qualifier for a view of Echo's executor whose plain {@code submit}/{@code execute} use
 *       this priority: {@code @Inject @EchoPriority(Priority.HIGH) ManagedExecutorService};</li>
 *   <li>on a task class, the priority of that task when submitted to any Echo view (an
 *       explicit {@value #EXECUTION_PROPERTY} execution property still wins).</li>
 * </ul>
 * A task can also ask for its priority through the {@code ManagedTask} execution property
 * {@value #EXECUTION_PROPERTY} ({@code HIGH}, {@code NORMAL} or {@code LOW}).
 * The value is {@link Nonbinding}: one producer serves every priority.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface EchoPriority {

    /** The {@code ManagedTask} execution property that selects a task's priority. */
    String EXECUTION_PROPERTY = "dev.echo.priority";

    @Nonbinding
    Priority value() default Priority.NORMAL;

    /** For programmatic lookup: {@code CDI.current().select(MES.class, EchoPriority.Literal.of(HIGH))}. */
    final class Literal extends AnnotationLiteral<EchoPriority> implements EchoPriority {
        private static final long serialVersionUID = 1L;
        private final Priority value;

        private Literal(Priority value) {
            this.value = value;
        }

        public static Literal of(Priority value) {
            return new Literal(value);
        }

        @Override
        public Priority value() {
            return value;
        }
    }
}
