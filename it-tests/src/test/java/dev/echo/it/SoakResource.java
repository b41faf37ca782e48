package dev.echo.it;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test endpoint of UndeploySoakIT's observing application: the JVM's threads (all, Echo's probe
 * threads, and those outside Liberty's own pools), and how many of the probe's class loaders are
 * still reachable after {@code gc} garbage collections.
 */
@Path("soak")
public class SoakResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> figures(@QueryParam("gc") int gc, @QueryParam("prefix") String prefix) {
        String keys = prefix == null ? SoakProbe.LOADER_KEY_PREFIX : prefix;
        for (int i = 0; i < gc; i++) {
            System.gc();
        }
        int registered = 0;
        int alive = 0;
        java.util.TreeMap<Long, Boolean> byTime = new java.util.TreeMap<>(); // registration time -> still reachable
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith(keys) && e.getValue() instanceof WeakReference<?> ref) {
                registered++;
                boolean reachable = ref.get() != null;
                if (reachable) {
                    alive++;
                }
                byTime.put(Long.parseLong(key.substring(key.lastIndexOf('.') + 1)), reachable);
            }
        }
        java.util.List<Integer> aliveAt = new java.util.ArrayList<>(); // 1 = the first probe deployed
        int position = 0;
        for (boolean reachable : byTime.values()) {
            position++;
            if (reachable) {
                aliveAt.add(position);
            }
        }
        var threads = Thread.getAllStackTraces().keySet();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", threads.size());
        m.put("probeThreads", threads.stream().filter(t -> t.getName().startsWith("soak-probe-")).count());
        // Liberty's own pools grow and shrink with load; every other thread must come back to its count
        m.put("otherThreads", threads.stream().map(Thread::getName).filter(n -> !inElasticPool(n)).count());
        m.put("otherThreadNames", threads.stream().map(Thread::getName).filter(n -> !inElasticPool(n)).sorted().toList());
        m.put("loadersRegistered", registered);
        m.put("loadersAlive", alive);
        m.put("aliveAt", aliveAt);
        return m;
    }

    /**
     * Threads of pools that grow and shrink with load and are not Echo's: Liberty's executor and
     * channels, the attach listener, and the JDK's RMI transport behind the Arquillian adapter's
     * JMX connection (its connection threads idle for a minute before they end, and a timeout
     * thread lives per JMX connection, so their count after 20 deploys depends on when the
     * adapter last connected, not on what an undeployed Echo left behind). CI once saw one idle
     * "RMI TCP Connection" thread more than at the baseline.
     */
    private static boolean inElasticPool(String name) {
        return name.startsWith("Default Executor-thread-") || name.startsWith("Attach Listener")
                || name.startsWith("Inbound") || name.startsWith("Outbound")
                || name.startsWith("RMI TCP Connection") || name.startsWith("JMX server connection timeout");
    }
}
