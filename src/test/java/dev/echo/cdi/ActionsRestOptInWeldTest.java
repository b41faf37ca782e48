package dev.echo.cdi;

import dev.echo.cdi.action.EchoActions;
import dev.echo.cdi.config.EchoConfig;
import dev.echo.testing.Causes;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The actions REST resource exists only when the application asks for it
 * ({@code echo.actions.rest.enabled=true}); the action system itself is there either way.
 */
class ActionsRestOptInWeldTest {

    @AfterEach
    void clear() {
        System.clearProperty(EchoConfig.ACTIONS_REST_ENABLED);
    }

    private static Weld weld() {
        return new Weld().disableDiscovery().addExtension(new EchoExtension()).addBeanClass(ActionBeans.class);
    }

    @Test
    void withoutTheKeyTheRestSurfaceIsClosedButActionsWorkFromCode() throws Exception {
        try (WeldContainer c = weld().initialize()) {
            EchoActions actions = c.select(EchoActions.class).get();
            assertFalse(actions.restEnabled(), "a REST surface the application did not ask for");
            assertEquals(java.util.Set.of("greet", "total"), actions.names());
            assertEquals("hello ada", actions.submit(dev.echo.cdi.action.ActionJson.read("{\"name\": \"greet\", \"content\": \"ada\"}"),
                    role -> false).completion().get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void theKeyOpensIt() {
        System.setProperty(EchoConfig.ACTIONS_REST_ENABLED, " TRUE ");
        try (WeldContainer c = weld().initialize()) {
            assertTrue(c.select(EchoActions.class).get().restEnabled());
        }
        System.setProperty(EchoConfig.ACTIONS_REST_ENABLED, "false");
        try (WeldContainer c = weld().initialize()) {
            assertFalse(c.select(EchoActions.class).get().restEnabled());
        }
    }

    @Test
    void aBadValueFailsTheDeploymentNamingTheKey() {
        System.setProperty(EchoConfig.ACTIONS_REST_ENABLED, "yes");
        Exception e = assertThrows(Exception.class, () -> weld().initialize().close());
        assertTrue(Causes.messages(e).contains("'echo.actions.rest.enabled' must be true or false, was 'yes'"), Causes.messages(e));
    }
}
