package gearspec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON-lines control connection to the gearspec harness (docs/driver-protocol.md §2). */
final class Control {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Control(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        socket = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Builds an event from alternating keys and values. */
    static Map<String, Object> event(String name, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        for (int k = 0; k + 1 < kv.length; k += 2) {
            m.put((String) kv[k], kv[k + 1]);
        }
        return m;
    }

    /** Sends one event line; a harness that went away ends the driver quietly. */
    synchronized void emit(Map<String, Object> ev) {
        try {
            out.write((Json.write(ev) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        }
    }

    void emit(String name, Object... kv) {
        emit(event(name, kv));
    }

    void error(String id, String message) {
        if (id == null) {
            emit("error", "message", message);
        } else {
            emit("error", "id", id, "message", message);
        }
    }

    /** The next command object; exits 0 when the harness closes the connection. */
    @SuppressWarnings("unchecked")
    Map<String, Object> readCommand() {
        while (true) {
            String line = readLine();
            if (line == null) {
                System.exit(0);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                Object v = Json.parse(line);
                if (v instanceof Map && ((Map<String, Object>) v).get("op") instanceof String) {
                    return (Map<String, Object>) v;
                }
            } catch (IllegalArgumentException e) {
                // reported below like any other line that is not a command
            }
            error(null, "bad command line: " + line.substring(0, Math.min(200, line.length())));
        }
    }

    private String readLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    return b.toString(StandardCharsets.UTF_8);
                }
                b.write(c);
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing on the way out: nothing left to report to
        }
    }

    static String b64(byte[] raw) {
        return Base64.getEncoder().encodeToString(raw == null ? new byte[0] : raw);
    }

    static byte[] unb64(Object text) {
        return text == null ? new byte[0] : Base64.getDecoder().decode((String) text);
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }
}
