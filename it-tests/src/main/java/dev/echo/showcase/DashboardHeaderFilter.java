package dev.echo.showcase;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/**
 * Refuses a {@link DashboardOnly} operation (403 with a JSON body) unless the request carries the
 * {@value #HEADER} header, which the dashboard's script sends.
 *
 * <p>Why a header: a page on another site can make a browser send a plain form POST to this
 * server (with the user's credentials), but not a request with a custom header — that needs a
 * CORS preflight, which this server never grants. So a forged cross-site request lacks the header
 * and starts nothing. Runs after authentication and authorization (a caller without the bench
 * role still gets the container's 401/403 first).
 */
@Provider
@DashboardOnly
@Priority(Priorities.AUTHORIZATION + 100)
public class DashboardHeaderFilter implements ContainerRequestFilter {

    /** The header the dashboard sends with every operation; any non-blank value. */
    public static final String HEADER = "X-Echo-Dashboard";

    @Override
    public void filter(ContainerRequestContext request) {
        String value = request.getHeaderString(HEADER);
        if (value == null || value.isBlank()) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "operations need the " + HEADER + " header (the dashboard sends it);"
                            + " a request forged by another site cannot")).build());
        }
    }
}
