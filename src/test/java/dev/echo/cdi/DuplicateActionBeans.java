package dev.echo.cdi;

import jakarta.enterprise.context.Dependent;

/** A second "greet": the deployment must fail naming both methods. */
@Dependent
public class DuplicateActionBeans {

    @EchoAction("greet")
    public String greetAgain(String name) {
        return name;
    }
}
