package dev.echo.it.support;

import java.util.Arrays;
import java.util.stream.Collectors;

/** web.xml for test deployments that put some paths behind BASIC authentication (any authenticated user). */
public final class WebXml {

    private WebXml() {
    }

    /**
     * @param extra        elements added inside {@code <web-app>} (env entries, security roles), or ""
     * @param urlPatterns  the paths only authenticated callers reach
     */
    public static String basicAuth(String extra, String... urlPatterns) {
        String patterns = Arrays.stream(urlPatterns).map(p -> "          <url-pattern>" + p + "</url-pattern>")
                .collect(Collectors.joining("\n"));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                  <security-constraint>
                    <web-resource-collection>
                      <web-resource-name>secured</web-resource-name>
                %s
                    </web-resource-collection>
                    <auth-constraint><role-name>**</role-name></auth-constraint>
                  </security-constraint>
                  <login-config><auth-method>BASIC</auth-method><realm-name>echo</realm-name></login-config>
                </web-app>
                """.formatted(extra, patterns);
    }
}
