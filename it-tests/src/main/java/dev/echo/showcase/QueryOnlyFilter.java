package dev.echo.showcase;

import dev.echo.showcase.lab.Printable;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.Map;

/**
 * Every {@link DashboardOnly} operation takes its input from the query string, each parameter once.
 * So a request with a body is refused (413, before the resource runs: the lab and the bench are
 * open to callers who could otherwise make the server read megabytes it then ignores), and so is
 * a parameter given twice (400: {@code count=1&count=999999} would silently mean the first).
 * Both with a JSON body naming what was wrong; nothing starts. Runs after the dashboard's header
 * is checked ({@link DashboardHeaderFilter}).
 */
@Provider
@DashboardOnly
@Priority(Priorities.AUTHORIZATION + 200)
public class QueryOnlyFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null) {
            refuse(request, Response.Status.REQUEST_ENTITY_TOO_LARGE, "operations take no body (their input is the"
                    + " query string); this request sent " + (request.getLength() > 0 ? request.getLength() + " bytes" : "a chunked one"));
            return;
        }
        for (Map.Entry<String, List<String>> p : request.getUriInfo().getQueryParameters().entrySet()) {
            if (p.getValue().size() > 1) {
                refuse(request, Response.Status.BAD_REQUEST, "parameter '" + Printable.of(p.getKey()) + "' is given "
                        + p.getValue().size() + " times; give it once");
                return;
            }
        }
    }

    private static void refuse(ContainerRequestContext request, Response.Status status, String why) {
        request.abortWith(Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", why)).build());
    }
}
