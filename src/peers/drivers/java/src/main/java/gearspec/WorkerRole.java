package gearspec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.gearman.client.GearmanJobResult;
import org.gearman.client.GearmanJobResultImpl;
import org.gearman.worker.AbstractGearmanFunction;
import org.gearman.worker.GearmanFunction;
import org.gearman.worker.GearmanFunctionFactory;
import org.gearman.worker.GearmanWorkerImpl;

/**
 * The worker role: GearmanWorkerImpl with one GearmanFunctionFactory per registered name, whose
 * functions are AbstractGearmanFunction subclasses (the library's way to write a function), and
 * then GearmanWorkerImpl.work(). With the default constructor the library runs every function
 * synchronously inside its work loop, so a gate simply blocks that loop.
 */
final class WorkerRole {
    private final Control ctl;
    private final GearmanWorkerImpl worker = new GearmanWorkerImpl();

    WorkerRole(Control ctl, List<String[]> servers) {
        this.ctl = ctl;
        for (String[] hp : servers) {
            if (!worker.addServer(hp[0], Integer.parseInt(hp[1]))) {
                ctl.error(null, "GearmanWorkerImpl.addServer(" + hp[0] + ":" + hp[1] + ") returned false");
            }
        }
    }

    void run() {
        while (true) {
            Map<String, Object> cmd = ctl.readCommand();
            String op = (String) cmd.get("op");
            String id = Control.str(cmd, "id");
            switch (op) {
                case "register":
                    register(id, cmd);
                    ctl.emit("done", "id", id);
                    break;
                case "work":
                    ctl.emit("done", "id", id);
                    try {
                        worker.work();
                    } catch (Throwable t) {
                        ctl.error(null, "work: " + t);
                        t.printStackTrace();
                        System.exit(1);
                    }
                    ctl.error(null, "work: the library's loop ended");
                    System.exit(1);
                    break;
                case "quit":
                    System.exit(0);
                    break;
                default:
                    ctl.error(id, "unknown op " + op + " (worker driver, before work)");
                    if (id != null) {
                        ctl.emit("done", "id", id);
                    }
            }
        }
    }

    /** Why the driver cannot express an outcome with this library, or null when it can. */
    static String cannotExpress(Map<String, Object> outcome) {
        if (outcome == null || !(outcome.get("kind") instanceof String)) {
            return "behaviour has no outcome";
        }
        String kind = (String) outcome.get("kind");
        String form = outcome.get("form") == null ? "native" : (String) outcome.get("form");
        switch (kind) {
            case "die":
            case "exit":
                return null;
            case "complete":
            case "fail":
                // AbstractGearmanFunction has sendData/sendWarning/sendStatus/sendException but
                // no "send complete" or "send fail" call: the return value is the only way.
                if (form.equals("native") || (kind.equals("fail") && form.equals("throw"))) {
                    return null;
                }
                return "gearman-java has no explicit send-" + kind + " call (form " + form + ")";
            case "exception":
                if (form.equals("native") || form.equals("throw") || form.equals("call")) {
                    return null;
                }
                return "unknown form " + form;
            default:
                return "unknown outcome kind " + kind;
        }
    }

    @SuppressWarnings("unchecked")
    private void register(String id, Map<String, Object> cmd) {
        String fn = Control.str(cmd, "function");
        Map<String, Object> behaviour = (Map<String, Object>) cmd.get("behaviour");
        String why = cannotExpress(behaviour == null ? null : (Map<String, Object>) behaviour.get("outcome"));
        if (why != null) {
            ctl.error(id, why);
            return;
        }
        try {
            worker.registerFunctionFactory(new GearmanFunctionFactory() {
                public String getFunctionName() {
                    return fn;
                }

                public GearmanFunction getFunction() {
                    return new ScriptedFunction(fn, behaviour);
                }
            });
        } catch (RuntimeException e) {
            ctl.error(null, "registerFunctionFactory " + fn + ": " + e);
        }
    }

    /** Waits at a gate for its release (or quit), answering anything else with an error. */
    private void waitAtGate(String gate) {
        while (true) {
            Map<String, Object> cmd = ctl.readCommand();
            String op = (String) cmd.get("op");
            String g = Control.str(cmd, "gate");
            if (op.equals("release") && (gate.equals(g) || "*".equals(g))) {
                return;
            }
            if (op.equals("quit")) {
                System.exit(0);
            }
            ctl.error(null, "at gate " + gate + ": unexpected op " + op);
        }
    }

    /** One job of a registered function, run as its behaviour says. */
    private final class ScriptedFunction extends AbstractGearmanFunction {
        private final Map<String, Object> behaviour;

        ScriptedFunction(String name, Map<String, Object> behaviour) {
            super(name);
            this.behaviour = behaviour;
        }

        @SuppressWarnings("unchecked")
        @Override
        public GearmanJobResult executeFunction() {
            String handle = new String(jobHandle, StandardCharsets.UTF_8);
            byte[] workload = data instanceof byte[] ? (byte[]) data : new byte[0];
            Map<String, Object> ev = Control.event("job", "handle", handle, "function", name,
                    "payload", Control.b64(workload));
            if (uniqueId != null) {
                // set only when the job came with JOB_ASSIGN_UNIQ (GRAB_JOB_UNIQ)
                ev.put("unique", new String(uniqueId, StandardCharsets.UTF_8));
            }
            ctl.emit(ev);
            Object steps = behaviour.get("steps");
            if (steps instanceof List) {
                for (Object o : (List<Object>) steps) {
                    step((Map<String, Object>) o, handle);
                }
            }
            Map<String, Object> out = (Map<String, Object>) behaviour.get("outcome");
            String kind = (String) out.get("kind");
            String form = out.get("form") == null ? "native" : (String) out.get("form");
            if (kind.equals("die")) {
                die();
            }
            if (kind.equals("exit")) {
                System.exit(((Number) out.get("code")).intValue());
            }
            ctl.emit("finished", "handle", handle, "outcome", kind);
            switch (kind) {
                case "complete":
                    byte[] result = out.get("payload") == null ? workload : Control.unb64(out.get("payload"));
                    return new GearmanJobResultImpl(jobHandle, true, result, null, null, -1, -1);
                case "fail":
                    if (form.equals("throw")) {
                        throw new RuntimeException("gearspec: job failed (fail/throw)");
                    }
                    return new GearmanJobResultImpl(jobHandle, false, null, null, null, -1, -1);
                default: // exception
                    byte[] payload = Control.unb64(out.get("payload"));
                    if (form.equals("throw")) {
                        throw new RuntimeException(new String(payload, StandardCharsets.ISO_8859_1));
                    }
                    // native and call are the same thing here: sendException is the library's
                    // only exception call, and the function must still return a result (null
                    // makes the library send a second WORK_EXCEPTION), so it returns a failure.
                    sendException(payload);
                    return new GearmanJobResultImpl(jobHandle, false, null, null, null, -1, -1);
            }
        }

        private void step(Map<String, Object> s, String handle) {
            switch ((String) s.get("kind")) {
                case "data":
                    sendData(Control.unb64(s.get("payload")));
                    break;
                case "warning":
                    sendWarning(Control.unb64(s.get("payload")));
                    break;
                case "status":
                    // The library's signature is sendStatus(int denominator, int numerator).
                    sendStatus(((Number) s.get("denominator")).intValue(), ((Number) s.get("numerator")).intValue());
                    break;
                case "sleep":
                    try {
                        Thread.sleep(((Number) s.get("ms")).longValue());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    break;
                case "gate":
                    String gate = Control.str(s, "gate");
                    ctl.emit("gated", "handle", handle, "gate", gate);
                    waitAtGate(gate);
                    break;
                default:
                    ctl.error(null, "unknown step kind " + s.get("kind"));
            }
        }
    }

    /** A crash while holding the job: SIGKILL to ourselves, no result and no orderly close. */
    private static void die() {
        try {
            new ProcessBuilder("kill", "-KILL", String.valueOf(ProcessHandle.current().pid()))
                    .inheritIO().start().waitFor();
            Thread.sleep(5000);
        } catch (Exception e) {
            // fall through to halt: still no exit handlers, no result packet
        }
        Runtime.getRuntime().halt(137);
    }
}
