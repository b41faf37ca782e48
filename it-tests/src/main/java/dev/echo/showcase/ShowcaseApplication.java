package dev.echo.showcase;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The showcase's REST API lives under /api. */
@ApplicationPath("api")
public class ShowcaseApplication extends Application {
}
