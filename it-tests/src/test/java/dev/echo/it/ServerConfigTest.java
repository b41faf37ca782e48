package dev.echo.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shared server configuration (every XML file in liberty-config) keeps no password literal:
 * each is a bootstrap variable, defined for the demo; and every variable the files use is defined
 * for the plugin-created server too (the plugin's bootstrapProperties replace bootstrap.properties).
 */
class ServerConfigTest {

    @Test
    void everyPasswordIsABootstrapVariableDefinedForTheDemo() throws Exception {
        String xml = allConfig();
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

    private static String allConfig() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(Path.of("../liberty-config"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    @Test
    void everyVariableOfTheEngineServerIsDefinedInBothPlaces() throws Exception {
        String xml = Files.readString(Path.of("../liberty-config/server.xml")) + Files.readString(Path.of("../liberty-config/echo-base.xml"))
                + Files.readString(Path.of("../liberty-config/demo.xml"));
        Properties bootstrap = new Properties();
        try (var in = Files.newBufferedReader(Path.of("../liberty-config/bootstrap.properties"))) {
            bootstrap.load(in);
        }
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9._-]+)}").matcher(xml);
        int variables = 0;
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("server.") || name.startsWith("wlp.")) {
                continue; // Liberty's own
            }
            variables++;
            assertTrue(bootstrap.containsKey(name), name + " is defined in liberty-config/bootstrap.properties");
            assertTrue(pom.contains("<" + name + ">"), name + " is defined in the plugin's bootstrapProperties (it-tests/pom.xml)");
        }
        assertTrue(variables >= 7, "http.port, the engine's three, the two passwords, the signing key: " + variables);
    }

    @Test
    void theFilesAUserCopiesHoldNoDemoUserAndNoKey() throws Exception {
        for (String file : new String[]{"server.xml", "echo-base.xml", "remote/server.xml"}) {
            String xml = Files.readString(Path.of("../liberty-config/" + file));
            assertFalse(xml.contains("<user ") || xml.contains("basicRegistry"), file + " defines users: " + file);
            assertFalse(xml.contains("signing-key\" value"), file + " sets a signing key");
            assertTrue(file.equals("echo-base.xml") || xml.contains("<include location=\"demo.xml\" optional=\"true\"/>"),
                    file + " brings the demo in only where demo.xml is present");
        }
        String demo = Files.readString(Path.of("../liberty-config/demo.xml"));
        assertTrue(demo.contains("<user name=\"alice\"") && demo.contains("echo.actions.jms.signing-key"), demo);
    }
}
