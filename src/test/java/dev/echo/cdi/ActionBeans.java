package dev.echo.cdi;

import dev.echo.action.Action;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Action functions and hooks as an application would declare them. */
@ApplicationScoped
public class ActionBeans {

    private final List<String> events = new CopyOnWriteArrayList<>();

    public List<String> events() {
        return events;
    }

    @EchoAction("greet")
    public String greet(String name) {
        return "hello " + name;
    }

    @EchoAction("total")
    public CompletionStage<Long> total(Map<String, Object> order) {
        return CompletableFuture.completedFuture((Long) order.get("qty") * (Long) order.get("price"));
    }

    @EchoHook("audit")
    public void audit(Action action, Object result) {
        events.add("audit:" + action.name() + ":" + result);
    }
}
