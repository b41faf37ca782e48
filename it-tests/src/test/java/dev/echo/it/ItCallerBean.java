package dev.echo.it;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

/** An EJB the action functions of ActionsIT call: what the EJB container sees of the caller. */
@Stateless
public class ItCallerBean {

    @Resource
    SessionContext session;

    /** The caller as the EJB container knows it ("UNAUTHENTICATED" for nobody). */
    @PermitAll
    public String caller() {
        return session.getCallerPrincipal().getName();
    }

    /** Only callers in role orders get past the EJB container's own check. */
    @RolesAllowed("orders")
    public String ordersOnly() {
        return "orders:" + session.getCallerPrincipal().getName();
    }
}
