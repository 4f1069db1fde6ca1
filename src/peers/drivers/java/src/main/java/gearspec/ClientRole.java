package gearspec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gearman.client.GearmanClientImpl;
import org.gearman.client.GearmanJob;
import org.gearman.client.GearmanJobImpl;
import org.gearman.client.GearmanJobResult;
import org.gearman.client.GearmanJobStatus;
import org.gearman.common.GearmanPacket;
import org.gearman.common.GearmanPacket.DataComponentName;

/**
 * The client role: GearmanClientImpl.submit(job) (blocks until JOB_CREATED), then job.get() (the
 * Future) for the result, as the library's own ReverseClient example does. Intermediate
 * WORK_DATA / WORK_WARNING / WORK_STATUS reach the application only through a
 * GearmanIOEventListener registered on the job, so they are relayed from there.
 */
final class ClientRole {
    private final Control ctl;
    private final List<String[]> servers;
    /** One library client per "exceptions" setting: the option belongs to the connection. */
    private final Map<String, GearmanClientImpl> clients = new HashMap<>();
    /** Jobs by handle: getJobStatus only takes a GearmanJob that the library submitted. */
    private final Map<String, GearmanJob> jobsByHandle = new HashMap<>();
    private final Map<String, GearmanClientImpl> clientByHandle = new HashMap<>();

    ClientRole(Control ctl, List<String[]> servers) {
        this.ctl = ctl;
        this.servers = servers;
    }

    void run() {
        while (true) {
            Map<String, Object> cmd = ctl.readCommand();
            String op = (String) cmd.get("op");
            String id = Control.str(cmd, "id");
            try {
                switch (op) {
                    case "submit":
                        runJobs(id, List.of(cmd), (Boolean) cmd.get("exceptions"));
                        break;
                    case "submit-batch":
                        runJobs(id, asJobs(cmd.get("jobs")), (Boolean) cmd.get("exceptions"));
                        break;
                    case "status":
                        status(id, Control.str(cmd, "handle"));
                        break;
                    case "quit":
                        System.exit(0);
                        break;
                    default:
                        ctl.error(id, "unknown op " + op + " (client driver)");
                }
            } catch (RuntimeException e) {
                ctl.error(id, op + ": " + e);
            }
            if (id != null) {
                ctl.emit("done", "id", id);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> asJobs(Object v) {
        List<Map<String, Object>> jobs = new ArrayList<>();
        if (v instanceof List) {
            for (Object o : (List<Object>) v) {
                jobs.add((Map<String, Object>) o);
            }
        }
        return jobs;
    }

    private GearmanClientImpl clientFor(Boolean exceptions, String id) {
        String key = String.valueOf(exceptions);
        GearmanClientImpl c = clients.get(key);
        if (c == null) {
            c = new GearmanClientImpl();
            for (String[] hp : servers) {
                int port = Integer.parseInt(hp[1]);
                // addJobServer(host, port) sends OPTION_REQ "exceptions" by default (its
                // serverForwardsExceptions argument defaults to true); false leaves it out.
                boolean ok = exceptions == null ? c.addJobServer(hp[0], port)
                        : c.addJobServer(hp[0], port, exceptions);
                if (!ok) {
                    ctl.error(id, "GearmanClientImpl.addJobServer(" + hp[0] + ":" + port
                            + ") returned false (connect or OPTION_REQ exceptions failed)");
                }
            }
            clients.put(key, c);
        }
        return c;
    }

    private static GearmanJob.JobPriority priority(Object p) {
        if ("high".equals(p)) {
            return GearmanJob.JobPriority.HIGH;
        }
        if ("low".equals(p)) {
            return GearmanJob.JobPriority.LOW;
        }
        return GearmanJob.JobPriority.NORMAL;
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    /** Relays what the library hands the job's listener: created, data, warning, status. */
    private void relay(String jid, GearmanPacket p) {
        switch (p.getPacketType()) {
            case JOB_CREATED:
                // From the listener, not after submit() returns: submit may already have read
                // the job's first WORK_* packets, and created must come first.
                ctl.emit("created", "id", jid, "handle", text(p.getDataComponentValue(DataComponentName.JOB_HANDLE)));
                break;
            case WORK_DATA:
                ctl.emit("data", "id", jid, "payload", Control.b64(p.getDataComponentValue(DataComponentName.DATA)));
                break;
            case WORK_WARNING:
                ctl.emit("warning", "id", jid, "payload", Control.b64(p.getDataComponentValue(DataComponentName.DATA)));
                break;
            case WORK_STATUS:
                ctl.emit("status", "id", jid,
                        "numerator", text(p.getDataComponentValue(DataComponentName.NUMERATOR)),
                        "denominator", text(p.getDataComponentValue(DataComponentName.DENOMINATOR)));
                break;
            default:
                // the end of the job is read from the Future below, as an application does
                break;
        }
    }

    private void runJobs(String batchId, List<Map<String, Object>> jobs, Boolean exceptions) {
        GearmanClientImpl c = clientFor(exceptions, batchId);
        List<GearmanJob> waiting = new ArrayList<>();
        List<String> waitingIds = new ArrayList<>();
        for (Map<String, Object> j : jobs) {
            String jid = Control.str(j, "id");
            try {
                byte[] payload = Control.unb64(j.get("payload"));
                String fn = Control.str(j, "function");
                String unique = Control.str(j, "unique"); // null: the library makes a random UUID
                boolean bg = Boolean.TRUE.equals(j.get("background"));
                GearmanJob job = bg
                        ? GearmanJobImpl.createBackgroundJob(fn, payload, priority(j.get("priority")), unique)
                        : GearmanJobImpl.createJob(fn, payload, priority(j.get("priority")), unique);
                job.registerEventListener(p -> relay(jid, p));
                c.submit(job);
                String handle = text(job.getHandle());
                jobsByHandle.put(handle, job);
                clientByHandle.put(handle, c);
                if (!bg) {
                    waiting.add(job);
                    waitingIds.add(jid);
                }
            } catch (RuntimeException e) {
                // RejectedExecutionException (no JOB_CREATED within the library's 2 s, no server),
                // IllegalArgumentException (empty function name) ...: the library refused the job.
                ctl.error(jid, "submit: " + e);
            }
        }
        for (int k = 0; k < waiting.size(); k++) {
            String jid = waitingIds.get(k);
            try {
                GearmanJobResult r = waiting.get(k).get();
                if (r.jobSucceeded()) {
                    ctl.emit("complete", "id", jid, "payload", Control.b64(r.getResults()));
                } else if (r.getExceptions().length > 0) {
                    ctl.emit("exception", "id", jid, "payload", Control.b64(r.getExceptions()));
                } else {
                    ctl.emit("fail", "id", jid);
                }
            } catch (Exception e) {
                ctl.error(jid, "get: " + e);
            }
        }
    }

    private void status(String id, String handle) {
        GearmanJob job = jobsByHandle.get(handle);
        if (job == null) {
            // GearmanClient.getJobStatus(GearmanJob) has no form that takes a bare handle.
            ctl.error(id, "gearman-java getJobStatus needs the GearmanJob this client submitted; no job has handle " + handle);
            return;
        }
        try {
            GearmanJobStatus st = clientByHandle.get(handle).getJobStatus(job);
            ctl.emit("status-res", "id", id, "known", st.isKnown(), "running", st.isRunning(),
                    "numerator", String.valueOf(st.getNumerator()),
                    "denominator", String.valueOf(st.getDenominator()));
        } catch (Exception e) {
            ctl.error(id, "getJobStatus: " + e);
        }
    }
}
