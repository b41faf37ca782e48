package dev.echo.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The shared server.xml keeps no password literal: each is a bootstrap variable, defined for the demo. */
class ServerConfigTest {

    @Test
    void everyPasswordIsABootstrapVariableDefinedForTheDemo() throws Exception {
        String xml = Files.readString(Path.of("../liberty-config/server.xml"));
        Properties bootstrap = new Properties();
        try (var in = Files.newBufferedReader(Path.of("../liberty-config/bootstrap.properties"))) {
            bootstrap.load(in);
        }
        Matcher m = Pattern.compile("password=\"([^\"]*)\"").matcher(xml);
        int passwords = 0;
        while (m.find()) {
            passwords++;
            Matcher variable = Pattern.compile("\\$\\{([A-Za-z0-9._-]+)}").matcher(m.group(1));
            assertTrue(variable.matches(), "a literal password in server.xml: " + m.group(0));
            assertTrue(bootstrap.containsKey(variable.group(1)), variable.group(1) + " is defined in bootstrap.properties");
        }
        assertEquals(2, passwords, "alice and bob");
    }
}
