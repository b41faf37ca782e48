package dev.echo.cdi.action;

import dev.echo.cdi.EchoAction;
import dev.echo.cdi.EchoHook;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.ProcessManagedBean;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's {@link EchoAction} and {@link EchoHook} methods, collected by Echo's CDI
 * extension while the container discovers beans, and handed to {@link EchoActions} as a bean.
 * A name defined twice is a deployment problem, reported by the extension.
 *
 * <p>Written only during bean discovery (one container thread), read only after it: no lock.
 */
public final class ActionMethods {

    /** A discovered method and its bean. */
    record Discovered(String name, Bean<?> bean, Method method) {
        String source() {
            return method.getDeclaringClass().getName() + "#" + method.getName();
        }

        /** Who may run it over REST (read from its annotations each time: cheap, and never stale). */
        ActionPolicy policy() {
            return ActionPolicy.of(method);
        }
    }

    private final Map<String, Discovered> actions = new LinkedHashMap<>();
    private final Map<String, Discovered> hooks = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();

    /** Finds the action and hook methods of one managed bean. */
    public <T> void discover(ProcessManagedBean<T> event) {
        for (AnnotatedMethod<? super T> m : event.getAnnotatedBeanClass().getMethods()) {
            EchoAction action = m.getAnnotation(EchoAction.class);
            if (action != null) {
                Discovered d = new Discovered(action.value(), event.getBean(), m.getJavaMember());
                Class<?>[] params = d.method().getParameterTypes();
                if (params.length > 2 || (params.length == 2 && params[1] != CurrentRun.class)) {
                    duplicates.add("action '" + d.name() + "' (" + d.source() + ") must take at most the content and a "
                            + CurrentRun.class.getSimpleName() + " (second), had " + params.length + " parameter(s)");
                }
                register(actions, "action", d);
            }
            EchoHook hook = m.getAnnotation(EchoHook.class);
            if (hook != null) {
                register(hooks, "hook", new Discovered(hook.value(), event.getBean(), m.getJavaMember()));
            }
        }
    }

    private void register(Map<String, Discovered> into, String kind, Discovered d) {
        Discovered previous = into.putIfAbsent(d.name(), d);
        if (previous != null) {
            duplicates.add(kind + " '" + d.name() + "' is defined twice: by " + previous.source() + " and by " + d.source());
        }
    }

    /** One sentence per name defined twice or method of the wrong shape; empty when the plan is consistent. */
    public List<String> problems() {
        return Collections.unmodifiableList(duplicates);
    }

    Map<String, Discovered> actions() {
        return actions;
    }

    Map<String, Discovered> hooks() {
        return hooks;
    }
}
