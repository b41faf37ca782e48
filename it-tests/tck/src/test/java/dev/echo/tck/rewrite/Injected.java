package dev.echo.tck.rewrite;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;

import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/** A stand-in for a TCK servlet: the kinds of executor look-up the TCK makes, and one it does not route. */
public class Injected {

    @Resource
    ManagedExecutorService byDefault;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService byDefaultName;

    @Resource(lookup = "java:app/concurrent/TckDefined")
    ManagedExecutorService defined;

    public ManagedExecutorService readDefault() {
        return byDefault;
    }

    public ManagedScheduledExecutorService readDefaultName() {
        return byDefaultName;
    }

    public ManagedExecutorService readDefined() {
        return defined;
    }

    public static Object lookUp(Context context, String name) throws NamingException {
        return context.lookup(name);
    }

    public static Object lookUpInitial(InitialContext context, String name) throws NamingException {
        return context.lookup(name);
    }
}
