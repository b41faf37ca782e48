package dev.echo.cdi;

import dev.echo.cdi.action.CurrentRun;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/** An action function that reads its run, as an idempotent function would (EchoActionsWeldTest). */
@ApplicationScoped
@PermitAll
public class RunViewBeans {

    @EchoAction("look")
    public Map<String, Object> look(String content, CurrentRun run) {
        CurrentRun same = CurrentRun.get().orElseThrow();
        return Map.of("content", content, "runId", run.runId(), "attempt", run.attempt(), "deliveries", run.deliveries(),
                "submitter", run.submitter().orElse(""), "priority", run.priority().name(), "queue", run.queue(),
                "sameAsGet", same.equals(run));
    }

    /** A second parameter of any other type: refused at deployment. */
    @ApplicationScoped
    public static class WrongSecondParameter {
        @EchoAction("wrong")
        public String wrong(String content, String notARun) {
            return content;
        }
    }
}
