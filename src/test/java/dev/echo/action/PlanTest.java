package dev.echo.action;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PlanTest {

    @Test
    void functionsStayInThePlanAfterTheyRan() throws Exception {
        Plan plan = Plan.builder().add("double", c -> ((Integer) c) * 2).build();
        assertEquals(4, plan.require("double").function().apply(2));
        assertEquals(6, plan.require("double").function().apply(3), "the seed removed a function after one call");
    }

    @Test
    void duplicateNamesFailNamingBothSources() {
        Plan.Builder b = Plan.builder().add("read", "OrderBean#read(String)", c -> c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.add("read", "StockBean#read(Map)", c -> c));
        assertEquals("action 'read' is defined twice: by OrderBean#read(String) and by StockBean#read(Map)", e.getMessage());
    }

    @Test
    void unknownNamesAreRoutingErrors() {
        Plan plan = Plan.builder().add("a", c -> c).build();
        ActionException e = assertThrows(ActionException.class, () -> plan.require("b"));
        assertEquals(ActionException.Kind.ROUTING, e.kind());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertFalse(e.getMessage().contains("[a]"), "the message reaches HTTP callers: it must not list the plan: " + e.getMessage());
        assertTrue(plan.find("b").isEmpty());
    }

    @Test
    void theBuiltPlanIsImmutable() {
        Plan.Builder b = Plan.builder().add("a", c -> c);
        Plan plan = b.build();
        b.add("later", c -> c);
        assertFalse(plan.names().contains("later"));
        assertThrows(UnsupportedOperationException.class, () -> plan.names().remove("a"));
        assertThrows(IllegalArgumentException.class, () -> Plan.builder().add(" ", c -> c));
    }
}
