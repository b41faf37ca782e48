package dev.echo.cdi;

import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.WeldInitiator;

/** A CDI SE container (Weld) with Echo's extension and the given beans only: what every Weld test starts from. */
public final class EchoWeld {

    private EchoWeld() {
    }

    /** No discovery: only Echo's extension and {@code beans}. */
    public static Weld with(Class<?>... beans) {
        return new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClasses(beans);
    }

    /** The same, for a {@code @WeldSetup} field. */
    public static WeldInitiator initiator(Class<?>... beans) {
        return WeldInitiator.from(with(beans)).build();
    }
}
