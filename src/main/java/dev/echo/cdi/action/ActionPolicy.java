package dev.echo.cdi.action;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who may run an action function or hook over REST, as the application declared it with the
 * standard annotations: {@link RolesAllowed}, {@link PermitAll} or {@link DenyAll} on the method,
 * else on its class (the method's annotation wins, as for EJBs and Jakarta REST). A method with
 * none of them is not runnable over REST at all: exposing a bean method to HTTP callers must be
 * a decision someone wrote down. Immutable.
 *
 * @param roles    the roles any one of which suffices, for {@link RolesAllowed}
 * @param anyone   {@link PermitAll}: every caller, anonymous ones included
 * @param declared whether the application declared anything
 */
record ActionPolicy(Set<String> roles, boolean anyone, boolean declared) {

    static final ActionPolicy UNDECLARED = new ActionPolicy(Set.of(), false, false);

    static ActionPolicy of(Method method) {
        ActionPolicy onMethod = declaredOn(method.getAnnotation(DenyAll.class) != null, method.getAnnotation(PermitAll.class),
                method.getAnnotation(RolesAllowed.class));
        if (onMethod.declared) {
            return onMethod;
        }
        Class<?> type = method.getDeclaringClass();
        return declaredOn(type.getAnnotation(DenyAll.class) != null, type.getAnnotation(PermitAll.class),
                type.getAnnotation(RolesAllowed.class));
    }

    private static ActionPolicy declaredOn(boolean denyAll, PermitAll permitAll, RolesAllowed rolesAllowed) {
        if (denyAll) {
            return new ActionPolicy(Set.of(), false, true);
        }
        if (rolesAllowed != null) {
            return new ActionPolicy(Set.copyOf(List.of(rolesAllowed.value())), false, true);
        }
        if (permitAll != null) {
            return new ActionPolicy(Set.of(), true, true);
        }
        return UNDECLARED;
    }

    /**
     * @param authenticated whether the caller is authenticated
     * @param hasRole       the container's answer for the caller's roles
     */
    boolean permits(boolean authenticated, Predicate<String> hasRole) {
        if (!declared) {
            return false;
        }
        if (anyone) {
            return true;
        }
        return authenticated && roles.stream().anyMatch(hasRole);
    }
}
