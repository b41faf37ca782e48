package dev.echo.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            assertTrue(defined(variable.group(1), bootstrap), variable.group(1) + " is defined in bootstrap.properties or by demo.xml");
        }
        assertEquals(3, passwords, "alice, bob and the servers' messaging user");
    }

    /** A bootstrap variable, or a variable demo.xml sets from one (the demo's messaging login). */
    private static boolean defined(String name, Properties bootstrap) throws Exception {
        if (bootstrap.containsKey(name)) {
            return true;
        }
        Matcher v = Pattern.compile("<variable name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"/>")
                .matcher(Files.readString(Path.of("../liberty-config/demo.xml")));
        if (!v.find()) {
            return false;
        }
        Matcher inner = Pattern.compile("\\$\\{([A-Za-z0-9._-]+)}").matcher(v.group(1));
        return !inner.find() || bootstrap.containsKey(inner.group(1));
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
            if (name.startsWith("echo.actions.jms.")) {
                // the servers' messaging login: the application's own settings, which demo.xml sets for the demo
                assertTrue(defined(name, bootstrap), name + " is set by demo.xml from a bootstrap variable");
                continue;
            }
            assertTrue(bootstrap.containsKey(name), name + " is defined in liberty-config/bootstrap.properties");
            assertTrue(pom.contains("<" + name + ">"), name + " is defined in the plugin's bootstrapProperties (it-tests/pom.xml)");
        }
        assertTrue(variables >= 8, "http.port, the engine's three, the three passwords, the signing key: " + variables);
    }

    @Test
    void theEngineAdmitsOnlyTheServersMessagingUserToEchosDestinations() throws Exception {
        String xml = Files.readString(Path.of("../liberty-config/server.xml"));
        assertTrue(xml.contains("<feature>messagingSecurity-3.0</feature>"), "messaging security is on");
        Matcher security = Pattern.compile("(?s)<messagingSecurity>(.*?)</messagingSecurity>").matcher(xml);
        assertTrue(security.find(), "the engine's permissions are declared");
        String roles = security.group(1);
        assertEquals(1, roles.split("<role ", -1).length - 1, "one role: " + roles);
        Matcher users = Pattern.compile("<(user|group) name=\"([^\"]*)\"").matcher(roles);
        List<String> members = new java.util.ArrayList<>();
        while (users.find()) {
            members.add(users.group(1) + ":" + users.group(2));
        }
        assertEquals(List.of("user:${echo.actions.jms.user}"), members, "only the servers' user, no group");
        for (String destination : List.of("queueRef=\"EchoActions\"", "queueRef=\"EchoActions.Dead\"", "topicName=\"EchoRuns\"")) {
            assertTrue(roles.contains(destination), destination + " is granted");
        }
        assertTrue(xml.contains("host=\"127.0.0.1\" wasJmsPort="), "the engine listens on loopback only");
        assertTrue(xml.contains("<variable name=\"echo.actions.jms.engine-max-deliveries\" value=\"${echo.jms.max-deliveries}\"/>"),
                "the application on the engine's server learns the queue's redelivery limit from the queue's own variable");
        assertTrue(xml.contains("maxRedeliveryCount=\"${echo.jms.max-deliveries}\""), xml);
    }

    @Test
    void theFilesAUserCopiesHoldNoDemoUserAndNoKey() throws Exception {
        for (String file : new String[]{"server.xml", "echo-base.xml", "remote/server.xml"}) {
            String xml = Files.readString(Path.of("../liberty-config/" + file));
            // the only user a copied file may define is the servers' own messaging user, by variable
            String others = xml.replace("<user name=\"${echo.actions.jms.user}\" password=\"${echo.actions.jms.password}\"/>", "")
                    .replace("<user name=\"${echo.actions.jms.user}\"/>", "");
            assertFalse(others.contains("<user "), file + " defines users: " + file);
            assertFalse(xml.contains("signing-key\" value"), file + " sets a signing key");
            assertTrue(file.equals("echo-base.xml") || xml.contains("<include location=\"demo.xml\" optional=\"true\"/>"),
                    file + " brings the demo in only where demo.xml is present");
        }
        String demo = Files.readString(Path.of("../liberty-config/demo.xml"));
        assertTrue(demo.contains("<user name=\"alice\"") && demo.contains("echo.actions.jms.signing-key"), demo);
        assertTrue(demo.contains("<variable name=\"echo.actions.jms.password\" value=\"${echo.demo.jms.password}\"/>"), demo);
    }
}
