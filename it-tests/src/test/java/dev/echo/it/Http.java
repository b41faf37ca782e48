package dev.echo.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few HTTP calls the observability tests make: JSON and Prometheus text from the server. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private Http() {
    }

    static HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonStructure json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).read();
    }

    static JsonObject ok(String method, String url) throws Exception {
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
    static double sample(String prometheus, String name, String priority) {
        String labels = priority == null ? "\\{[^}]*\\}" : "\\{[^}]*priority=\"" + priority + "\"[^}]*\\}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + labels + " ([0-9.eE+-]+)$").matcher(prometheus);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
