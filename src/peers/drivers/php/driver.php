<?php
// gearspec driver for PHP pecl gearman (GearmanClient / GearmanWorker, a wrapper over libgearman).
// Speaks the JSON-lines control protocol of src/peers/drivers/README.md on GEARSPEC_CONTROL and
// talks Gearman to GEARSPEC_SERVER in the role GEARSPEC_ROLE (client | worker).
declare(strict_types=1);
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

function env_or_die(string $k): string
{
    $v = getenv($k);
    if ($v === false || $v === '') {
        fwrite(STDERR, "gearspec php driver: missing env $k\n");
        exit(2);
    }
    return $v;
}

function split_host_port(string $hp): array
{
    $i = strrpos($hp, ':');
    if ($i === false) {
        fwrite(STDERR, "gearspec php driver: bad host:port '$hp'\n");
        exit(2);
    }
    return [substr($hp, 0, $i), (int) substr($hp, $i + 1)];
}

[$ctlHost, $ctlPort] = split_host_port(env_or_die('GEARSPEC_CONTROL'));
// One server, or several separated by commas (given to the library in that order).
$servers = array_map('split_host_port', explode(',', env_or_die('GEARSPEC_SERVER')));
$role = env_or_die('GEARSPEC_ROLE');

$ctl = stream_socket_client("tcp://$ctlHost:$ctlPort", $errno, $errstr, 5);
if ($ctl === false) {
    fwrite(STDERR, "gearspec php driver: cannot reach control $ctlHost:$ctlPort: $errstr\n");
    exit(2);
}
stream_set_blocking($ctl, true);
stream_set_timeout($ctl, 86400);

function emit(array $e): void
{
    global $ctl;
    $line = json_encode($e, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR) . "\n";
    $off = 0;
    $len = strlen($line);
    while ($off < $len) {
        $n = fwrite($ctl, substr($line, $off));
        if ($n === false || $n === 0) {
            exit(0); // harness went away
        }
        $off += $n;
    }
}

/** Next command, or exits when the harness closes the control connection. */
function read_command(): array
{
    global $ctl;
    for (;;) {
        $line = fgets($ctl);
        if ($line === false) {
            exit(0);
        }
        $line = trim($line);
        if ($line === '') {
            continue;
        }
        $cmd = json_decode($line, true);
        if (!is_array($cmd) || !isset($cmd['op'])) {
            emit(['event' => 'error', 'message' => "bad command: " . substr($line, 0, 200)]);
            continue;
        }
        return $cmd;
    }
}

function unb64(string $s): string
{
    $v = base64_decode($s, true);
    return $v === false ? '' : $v;
}

emit([
    'event' => 'hello',
    'implementation' => 'php',
    'library' => 'pecl gearman ' . phpversion('gearman') . ' (libgearman ' . gearman_version() . '), PHP ' . PHP_VERSION,
    'version' => (string) phpversion('gearman'),
    'role' => $role,
    'pid' => getmypid(),
    'protocol' => 2,
]);

// ---------------------------------------------------------------- client

/** @var array<int, GearmanClient> one client per exceptions setting (0 = off, 1 = on, 2 = library default) */
$clients = [];

function client_for(?bool $exceptions): GearmanClient
{
    global $clients, $servers;
    $k = $exceptions === null ? 2 : ($exceptions ? 1 : 0);
    if (isset($clients[$k])) {
        return $clients[$k];
    }
    $c = new GearmanClient();
    $c->setTimeout(20000);
    // The third argument decides whether addServer sends OPTION_REQ "exceptions" (default: yes).
    foreach ($servers as [$srvHost, $srvPort]) {
        if ($exceptions === null) {
            $c->addServer($srvHost, $srvPort);
        } else {
            $c->addServer($srvHost, $srvPort, $exceptions);
        }
    }
    $c->setCreatedCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'created', 'id' => (string) $ctx, 'handle' => (string) $t->jobHandle()]);
        return GEARMAN_SUCCESS;
    });
    $c->setDataCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'data', 'id' => (string) $ctx, 'payload' => base64_encode((string) $t->data())]);
        return GEARMAN_SUCCESS;
    });
    $c->setWarningCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'warning', 'id' => (string) $ctx, 'payload' => base64_encode((string) $t->data())]);
        return GEARMAN_SUCCESS;
    });
    $c->setStatusCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'status', 'id' => (string) $ctx, 'numerator' => (string) $t->taskNumerator(), 'denominator' => (string) $t->taskDenominator()]);
        return GEARMAN_SUCCESS;
    });
    $c->setCompleteCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'complete', 'id' => (string) $ctx, 'payload' => base64_encode((string) $t->data())]);
        return GEARMAN_SUCCESS;
    });
    $c->setFailCallback(function (GearmanTask $t, $ctx) {
        emit(['event' => 'fail', 'id' => (string) $ctx]);
        return GEARMAN_SUCCESS;
    });
    // setExceptionCallback makes pecl request OPTION_REQ "exceptions" even after
    // addServer(..., false) (observed on the wire), so a client without exceptions does not set one.
    if ($exceptions !== false) {
        $c->setExceptionCallback(function (GearmanTask $t, $ctx) {
            emit(['event' => 'exception', 'id' => (string) $ctx, 'payload' => base64_encode((string) $t->data())]);
            return GEARMAN_SUCCESS;
        });
    }
    $clients[$k] = $c;
    return $c;
}

function add_task(GearmanClient $c, array $j): bool
{
    $prio = $j['priority'] ?? 'normal';
    $method = 'addTask' . ($prio === 'high' ? 'High' : ($prio === 'low' ? 'Low' : '')) . (!empty($j['background']) ? 'Background' : '');
    // Without a unique, leave the argument out so libgearman applies its own default.
    $task = array_key_exists('unique', $j)
        ? $c->$method((string) $j['function'], unb64((string) ($j['payload'] ?? '')), (string) $j['id'], (string) $j['unique'])
        : $c->$method((string) $j['function'], unb64((string) ($j['payload'] ?? '')), (string) $j['id']);
    if ($task === false) {
        emit(['event' => 'error', 'id' => (string) $j['id'], 'message' => "$method failed: " . $c->error()]);
        return false;
    }
    return true;
}

function run_tasks(GearmanClient $c, string $id): void
{
    $ok = @$c->runTasks();
    if (!$ok) {
        emit(['event' => 'error', 'id' => $id, 'message' => 'runTasks: ' . $c->error() . ' (return code ' . $c->returnCode() . ')']);
    }
}

function client_loop(): void
{
    for (;;) {
        $cmd = read_command();
        $op = $cmd['op'];
        $id = (string) ($cmd['id'] ?? '');
        try {
            if ($op === 'submit' || $op === 'submit-batch') {
                $exc = array_key_exists('exceptions', $cmd) ? (bool) $cmd['exceptions'] : null;
                $c = client_for($exc);
                $jobs = $op === 'submit' ? [$cmd] : $cmd['jobs'];
                $added = 0;
                foreach ($jobs as $j) {
                    if (add_task($c, $j)) {
                        $added++;
                    }
                }
                if ($added > 0) {
                    run_tasks($c, $id);
                }
            } elseif ($op === 'status') {
                $c = client_for(null);
                $st = @$c->jobStatus((string) $cmd['handle']);
                if (!is_array($st)) {
                    emit(['event' => 'error', 'id' => $id, 'message' => 'jobStatus: ' . $c->error()]);
                } else {
                    emit(['event' => 'status-res', 'id' => $id, 'known' => (bool) $st[0], 'running' => (bool) $st[1], 'numerator' => (string) $st[2], 'denominator' => (string) $st[3]]);
                }
            } elseif ($op === 'quit') {
                exit(0);
            } else {
                emit(['event' => 'error', 'id' => $id, 'message' => "client driver: unsupported op $op"]);
            }
        } catch (Throwable $e) {
            emit(['event' => 'error', 'id' => $id, 'message' => get_class($e) . ': ' . $e->getMessage()]);
        }
        if ($id !== '') {
            emit(['event' => 'done', 'id' => $id]);
        }
    }
}

// ---------------------------------------------------------------- worker

function wait_gate(string $gate): void
{
    for (;;) {
        $cmd = read_command();
        if ($cmd['op'] === 'release' && (($cmd['gate'] ?? '') === $gate || ($cmd['gate'] ?? '') === '*')) {
            return;
        }
        if ($cmd['op'] === 'quit') {
            exit(0);
        }
        emit(['event' => 'error', 'message' => "worker at gate $gate got unexpected op " . $cmd['op']]);
    }
}

/**
 * Which outcome forms pecl gearman can express (src/peers/drivers/README.md, "Outcome forms").
 * exception/native is the explicit call: the only return code for it, GEARMAN_WORK_EXCEPTION,
 * makes libgearman send a bare WORK_FAIL without the exception data.
 */
const FORMS = [
    'complete' => ['native' => true, 'call' => true],
    'fail' => ['native' => true, 'throw' => true, 'call' => true],
    'exception' => ['native' => true, 'throw' => true, 'call' => true],
];

/** null when the driver can express the outcome, else why not. */
function unsupported_outcome($o): ?string
{
    if (!is_array($o) || !isset($o['kind'])) {
        return 'behaviour has no outcome';
    }
    $k = (string) $o['kind'];
    if ($k === 'die') {
        return null;
    }
    if ($k === 'exit') {
        return is_int($o['code'] ?? null) ? null : 'outcome exit needs an integer code';
    }
    if (!isset(FORMS[$k])) {
        return "unknown outcome kind $k";
    }
    $form = (string) ($o['form'] ?? 'native');
    return isset(FORMS[$k][$form]) ? null : "outcome form '$form' of $k is not supported by the php driver";
}

/**
 * The worker function. pecl turns its return value into WORK_COMPLETE, a setReturn() code into
 * libgearman's handling of that code (GEARMAN_WORK_FAIL -> WORK_FAIL), and a throw into
 * WORK_EXCEPTION "Unable to add worker function" while the exception goes on up through
 * GearmanWorker::work() to the application (php_gearman_worker.c _php_worker_function_callback).
 */
function run_job(GearmanJob $job, array $b)
{
    $handle = (string) $job->handle();
    $workload = (string) $job->workload();
    emit(['event' => 'job', 'handle' => $handle, 'function' => (string) $job->functionName(), 'unique' => (string) $job->unique(), 'payload' => base64_encode($workload)]);
    foreach (($b['steps'] ?? []) as $s) {
        switch ($s['kind']) {
            case 'data':
                $job->sendData(unb64($s['payload']));
                break;
            case 'warning':
                $job->sendWarning(unb64($s['payload']));
                break;
            case 'status':
                $job->sendStatus((int) $s['numerator'], (int) $s['denominator']);
                break;
            case 'sleep':
                usleep((int) $s['ms'] * 1000);
                break;
            case 'gate':
                emit(['event' => 'gated', 'handle' => $handle, 'gate' => (string) $s['gate']]);
                wait_gate((string) $s['gate']);
                break;
        }
    }
    $o = $b['outcome'];
    $kind = (string) $o['kind'];
    $form = (string) ($o['form'] ?? 'native');
    if ($kind === 'die') {
        // Like a crash: no result packet, no graceful close of the library's connection.
        posix_kill(getmypid(), SIGKILL);
        exit(3);
    }
    if ($kind === 'exit') {
        // The application exits while it holds the job (PHP's own exit path: destructors run).
        exit((int) $o['code']);
    }
    // 'finished' goes out before the return or throw that makes the library send the result.
    emit(['event' => 'finished', 'handle' => $handle, 'outcome' => $kind]);
    switch ($kind) {
        case 'complete':
            $result = array_key_exists('payload', $o) ? unb64($o['payload']) : $workload;
            if ($form === 'call') {
                $job->sendComplete($result);
                return null;
            }
            return $result;
        case 'fail':
            if ($form === 'throw') {
                throw new RuntimeException('gearspec: job failed (fail/throw)');
            }
            if ($form === 'call') {
                $job->sendFail();
            } else {
                $job->setReturn(GEARMAN_WORK_FAIL);
            }
            return null;
        case 'exception':
            $payload = unb64($o['payload']);
            if ($form === 'throw') {
                throw new RuntimeException($payload);
            }
            $job->sendException($payload);
            return null;
    }
    return null;
}

function worker_loop(): void
{
    global $servers;
    $w = new GearmanWorker();
    try {
        foreach ($servers as [$srvHost, $srvPort]) {
            $w->addServer($srvHost, $srvPort);
        }
    } catch (Throwable $e) {
        // The application cannot start its worker: report the library's words and exit.
        emit(['event' => 'error', 'message' => 'addServer: ' . get_class($e) . ': ' . $e->getMessage()]);
        exit(1);
    }
    for (;;) {
        $cmd = read_command();
        $op = $cmd['op'];
        $id = (string) ($cmd['id'] ?? '');
        if ($op === 'register') {
            $b = $cmd['behaviour'];
            $why = unsupported_outcome(is_array($b) ? ($b['outcome'] ?? null) : null);
            if ($why !== null) {
                emit(['event' => 'error', 'id' => $id, 'message' => $why]);
            } else {
                $ok = $w->addFunction((string) $cmd['function'], function (GearmanJob $job) use ($b) {
                    return run_job($job, $b);
                });
                if (!$ok) {
                    emit(['event' => 'error', 'id' => $id, 'message' => 'addFunction: ' . $w->error()]);
                }
            }
            emit(['event' => 'done', 'id' => $id]);
        } elseif ($op === 'work') {
            emit(['event' => 'done', 'id' => $id]);
            // The application's loop, without a retry. GearmanWorker::work() returns false both
            // for errors (with a warning) and, without one, when the job just run ended with
            // GEARMAN_WORK_FAIL or GEARMAN_WORK_EXCEPTION: those two are the job's own outcome and
            // the loop goes on. Anything else, or an exception thrown out of work(), ends the
            // process as it would end an application.
            try {
                for (;;) {
                    if ($w->work()) {
                        continue;
                    }
                    $rc = $w->returnCode();
                    if ($rc === GEARMAN_WORK_FAIL || $rc === GEARMAN_WORK_EXCEPTION) {
                        continue;
                    }
                    emit(['event' => 'error', 'message' => 'work: ' . $w->error() . " (return code $rc)"]);
                    exit(1);
                }
            } catch (Throwable $e) {
                emit(['event' => 'error', 'message' => 'work: uncaught ' . get_class($e) . ': ' . $e->getMessage()]);
                fwrite(STDERR, "PHP Fatal error:  Uncaught $e\n");
                exit(255);
            }
        } elseif ($op === 'quit') {
            exit(0);
        } else {
            emit(['event' => 'error', 'id' => $id, 'message' => "worker driver: unsupported op $op before work"]);
            if ($id !== '') {
                emit(['event' => 'done', 'id' => $id]);
            }
        }
    }
}

if ($role === 'client') {
    client_loop();
} elseif ($role === 'worker') {
    worker_loop();
} else {
    emit(['event' => 'error', 'message' => "unknown role $role"]);
    exit(2);
}
