package dev.echo.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP calls the tests make against the server: plain, or as a user with BASIC
 * authentication; JSON and Prometheus text read back.
 */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private Http() {
    }

    /** The value of an {@code Authorization} header for BASIC authentication. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code method url} with {@code body} (JSON, or none when null), as {@code user} (anonymous
     * when null).
     */
    public static HttpResponse<String> send(String method, String url, String body, String user, String password)
            throws Exception {
        return send(method, url, body, user, password, java.util.Map.of());
    }

    /** The showcase's header for its operations (what the dashboard page sends). */
    public static final java.util.Map<String, String> DASHBOARD = java.util.Map.of("X-Echo-Dashboard", "1");

    /** Like {@link #send(String, String, String, String, String)}, with extra request headers. */
    public static HttpResponse<String> send(String method, String url, String body, String user, String password,
                                            java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(150));
        headers.forEach(r::header);
        if (user != null) {
            r.header("Authorization", basic(user, password));
        }
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static JsonStructure json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).read();
    }

    public static JsonObject ok(String method, String url) throws Exception {
        HttpResponse<String> r = send(method, url);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return (JsonObject) json(r);
    }

    /**
     * The value of one sample in Prometheus text, or -1 if absent: {@code name} with the given
     * {@code priority} tag (null: a sample of that name without one).
     */
    public static double sample(String prometheus, String name, String priority) {
        String labels = priority == null ? "\\{[^}]*\\}" : "\\{[^}]*priority=\"" + priority + "\"[^}]*\\}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + labels + " ([0-9.eE+-]+)$").matcher(prometheus);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
