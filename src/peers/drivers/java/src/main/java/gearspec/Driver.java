package gearspec;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * gearspec driver for org.gearman:gearman-java (docs/driver-protocol.md, protocol 2).
 * Run as: java -cp '.peers/java/*' gearspec.Driver, with GEARSPEC_CONTROL, GEARSPEC_SERVER and
 * GEARSPEC_ROLE set. The role (client | worker) picks ClientRole or WorkerRole.
 */
public final class Driver {
    private Driver() {
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            System.err.println("gearspec java driver: " + name + " is not set");
            System.exit(2);
        }
        return v;
    }

    /** The library's version as its jar's Maven metadata states it. */
    private static String libraryVersion() {
        try (InputStream in = Driver.class.getResourceAsStream(
                "/META-INF/maven/org.gearman/gearman-java/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    public static void main(String[] args) throws IOException {
        String control = env("GEARSPEC_CONTROL");
        String server = env("GEARSPEC_SERVER");
        String role = env("GEARSPEC_ROLE");
        List<String[]> servers = new ArrayList<>();
        for (String s : server.split(",")) {
            int colon = s.lastIndexOf(':');
            servers.add(new String[] {s.substring(0, colon), s.substring(colon + 1)});
        }
        Control ctl = new Control(control);
        String version = libraryVersion();
        ctl.emit("hello", "implementation", "gearman-java",
                "library", "org.gearman:gearman-java " + version + " on Java " + System.getProperty("java.version"),
                "version", version, "role", role, "pid", ProcessHandle.current().pid(), "protocol", 2);
        if (role.equals("client")) {
            new ClientRole(ctl, servers).run();
        } else if (role.equals("worker")) {
            new WorkerRole(ctl, servers).run();
        } else {
            ctl.error(null, "unknown role " + role);
            System.exit(2);
        }
    }
}
