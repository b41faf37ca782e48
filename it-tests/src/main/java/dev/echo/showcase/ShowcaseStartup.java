package dev.echo.showcase;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.servlet.ServletContext;

import java.util.logging.Logger;

/** Says where the dashboard is when the showcase starts (Liberty also prints the full URL). */
@ApplicationScoped
public class ShowcaseStartup {

    private static final Logger LOG = Logger.getLogger(ShowcaseStartup.class.getName());

    void started(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        LOG.info(() -> "Echo showcase: live dashboard at context root " + context.getContextPath()
                + "/ (with the README's command: http://localhost:9080" + context.getContextPath() + "/)");
    }
}
