package dev.echo.showcase;

import dev.echo.task.Priority;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Shows that the injected executor is Echo and runs a task on it. */
@Path("status")
public class StatusResource {

    @Inject
    ManagedExecutorService executor;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> status() throws Exception {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("executor", executor.toString());
        status.put("ranOn", executor.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        status.put("priorities", Priority.values());
        return status;
    }
}
