#!/usr/bin/perl
# gearspec driver for Perl Gearman::Client / Gearman::Worker (2.004, pure Perl).
# Speaks the JSON-lines control protocol of src/peers/drivers/README.md on GEARSPEC_CONTROL and
# talks Gearman to GEARSPEC_SERVER in the role GEARSPEC_ROLE (client | worker).
use strict;
use warnings;
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(encode_base64 decode_base64);
use Gearman::Client;
use Gearman::Worker;

$| = 1;
my $json = JSON::PP->new->canonical(1);

sub env_or_die {
    my ($k) = @_;
    my $v = $ENV{$k};
    die "gearspec perl driver: missing env $k\n" unless defined $v && length $v;
    return $v;
}

my $control = env_or_die('GEARSPEC_CONTROL');
my $server  = env_or_die('GEARSPEC_SERVER');
# One server, or several separated by commas (given to the library in that order).
my @servers = split /,/, $server;
my $role    = env_or_die('GEARSPEC_ROLE');

my $ctl = IO::Socket::INET->new(PeerAddr => $control, Proto => 'tcp', Timeout => 5)
    or die "gearspec perl driver: cannot reach control $control: $@\n";
$ctl->autoflush(1);
binmode($ctl);

sub b64 { my ($s) = @_; return encode_base64(defined $s ? $s : '', ''); }

sub emit {
    my ($e) = @_;
    my $line = $json->encode($e) . "\n";
    my $off = 0;
    while ($off < length $line) {
        my $n = syswrite($ctl, $line, length($line) - $off, $off);
        exit 0 unless defined $n && $n > 0;    # harness went away
        $off += $n;
    }
}

# Next command; exits when the harness closes the control connection.
sub read_command {
    while (1) {
        my $line = <$ctl>;
        exit 0 unless defined $line;
        $line =~ s/\s+\z//;
        next if $line eq '';
        my $cmd = eval { $json->decode($line) };
        if (!$cmd || ref $cmd ne 'HASH' || !defined $cmd->{op}) {
            emit({ event => 'error', message => 'bad command: ' . substr($line, 0, 200) });
            next;
        }
        return $cmd;
    }
}

emit({
    event          => 'hello',
    implementation => 'perl',
    library        => "Gearman::Client $Gearman::Client::VERSION / Gearman::Worker $Gearman::Worker::VERSION, perl $^V",
    version        => "$Gearman::Client::VERSION",
    role           => $role,
    pid            => $$,
    protocol       => 2,
});

# ------------------------------------------------------------------ client

my %clients;    # exceptions setting ('on' | 'off' | 'default') -> Gearman::Client

sub client_for {
    my ($exc) = @_;
    my $key = !defined $exc ? 'default' : ($exc ? 'on' : 'off');
    $clients{$key} ||= Gearman::Client->new(
        job_servers => [@servers],
        (defined $exc ? (exceptions => ($exc ? 1 : 0)) : ()),
    );
    return $clients{$key};
}

sub strip_handle {
    my ($h) = @_;
    return '' unless defined $h;
    $h =~ s{^.*//}{};    # Gearman::Task handles read "ip:port//H:host:n"
    return $h;
}

sub submit_jobs {
    my ($id, $exc, @jobs) = @_;
    my $client = client_for($exc);
    my $ts = $client->new_task_set;
    my $waiting = 0;
    for my $j (@jobs) {
        my $jid = $j->{id};
        my $payload = decode_base64(defined $j->{payload} ? $j->{payload} : '');
        my %opts = (
            on_complete => sub { my ($r) = @_; emit({ event => 'complete', id => $jid, payload => b64(ref $r ? $$r : $r) }); },
            on_fail => sub { emit({ event => 'fail', id => $jid }); },
            on_status => sub { my ($n, $d) = @_; emit({ event => 'status', id => $jid, numerator => "" . (defined $n ? $n : ''), denominator => "" . (defined $d ? $d : '') }); },
            on_data => sub { my ($r) = @_; emit({ event => 'data', id => $jid, payload => b64(ref $r ? $$r : $r) }); },
            on_warning => sub { my ($r) = @_; emit({ event => 'warning', id => $jid, payload => b64(ref $r ? $$r : $r) }); },
            on_exception => sub { my ($r) = @_; emit({ event => 'exception', id => $jid, payload => b64(ref $r ? $$r : $r) }); },
        );
        $opts{uniq} = $j->{unique} if defined $j->{unique};
        $opts{priority} = $j->{priority} if defined $j->{priority};
        $opts{background} = 1 if $j->{background};
        my $handle = eval { $ts->add_task($j->{function}, \$payload, \%opts) };
        if ($@) {
            emit({ event => 'error', id => $jid, message => "add_task: $@" });
            next;
        }
        if (!defined $handle || $handle eq '' || $handle !~ m{//}) {
            # add_task returns the task's fail() result when no handle came back.
            emit({ event => 'error', id => $jid, message => 'add_task: no job handle (server refused the submit?)' });
            next;
        }
        emit({ event => 'created', id => $jid, handle => strip_handle($handle) });
        $waiting++ unless $j->{background};
    }
    if ($waiting) {
        eval { $ts->wait(timeout => 20); 1 } or emit({ event => 'error', id => $id, message => "wait: $@" });
    }
}

sub client_loop {
    while (1) {
        my $cmd = read_command();
        my $op = $cmd->{op};
        my $id = defined $cmd->{id} ? $cmd->{id} : '';
        if ($op eq 'submit') {
            submit_jobs($id, $cmd->{exceptions}, $cmd);
        } elsif ($op eq 'submit-batch') {
            submit_jobs($id, $cmd->{exceptions}, @{ $cmd->{jobs} });
        } elsif ($op eq 'status') {
            my $st = eval { client_for(undef)->get_status("$servers[0]//$cmd->{handle}") };
            if ($@ || !$st) {
                emit({ event => 'error', id => $id, message => 'get_status: ' . ($@ || 'no status') });
            } else {
                emit({
                    event       => 'status-res',
                    id          => $id,
                    known       => ($st->known ? JSON::PP::true : JSON::PP::false),
                    running     => ($st->running ? JSON::PP::true : JSON::PP::false),
                    numerator   => "" . (defined $st->[2] ? $st->[2] : ''),
                    denominator => "" . (defined $st->[3] ? $st->[3] : ''),
                });
            }
        } elsif ($op eq 'quit') {
            exit 0;
        } else {
            emit({ event => 'error', id => $id, message => "client driver: unsupported op $op" });
        }
        emit({ event => 'done', id => $id }) if $id ne '';
    }
}

# ------------------------------------------------------------------ worker

sub wait_gate {
    my ($gate) = @_;
    while (1) {
        my $cmd = read_command();
        my $g = defined $cmd->{gate} ? $cmd->{gate} : '';
        return if $cmd->{op} eq 'release' && ($g eq $gate || $g eq '*');
        exit 0 if $cmd->{op} eq 'quit';
        emit({ event => 'error', message => "worker at gate $gate got unexpected op $cmd->{op}" });
    }
}

# Which outcome forms this library can express (src/peers/drivers/README.md, "Outcome forms").
# Gearman::Worker has no exception path of its own besides die, so exception/native is a die.
my %FORMS = (
    complete  => { native => 1, call => 1 },
    fail      => { native => 1, throw => 1, call => 1 },
    exception => { native => 1, throw => 1, call => 1 },
);

# undef when the driver can express the outcome, else why not.
sub unsupported_outcome {
    my ($o) = @_;
    return 'behaviour has no outcome' unless ref $o eq 'HASH' && defined $o->{kind};
    my $k = $o->{kind};
    return undef if $k eq 'die';
    if ($k eq 'exit') {
        return (defined $o->{code} && $o->{code} =~ /\A\d+\z/) ? undef : 'outcome exit needs an integer code';
    }
    return "unknown outcome kind $k" unless $FORMS{$k};
    my $form = defined $o->{form} ? $o->{form} : 'native';
    return $FORMS{$k}{$form} ? undef : "outcome form '$form' of $k is not supported by the perl driver";
}

# The worker function. Its return value and whether it dies are what Gearman::Worker::work turns
# into packets (Gearman/Worker.pm lines 344-366): a defined value -> WORK_COMPLETE, undef ->
# WORK_FAIL, die -> WORK_EXCEPTION (the Storable-frozen message) then WORK_FAIL; after an explicit
# send_work_* that ends the job (send_work_complete / _fail / _exception) it sends nothing more.
sub run_job {
    my ($worker, $job, $fn, $b) = @_;
    my $handle = $job->handle;
    my $workload = $job->arg;
    # Gearman::Worker grabs with GRAB_JOB, so the unique is not known to the worker.
    emit({ event => 'job', handle => $handle, function => $fn, payload => b64($workload) });
    for my $s (@{ $b->{steps} || [] }) {
        my $k = $s->{kind};
        if ($k eq 'data') {
            $worker->send_work_data($job, decode_base64($s->{payload}));
        } elsif ($k eq 'warning') {
            $worker->send_work_warning($job, decode_base64($s->{payload}));
        } elsif ($k eq 'status') {
            $job->set_status($s->{numerator}, $s->{denominator});
        } elsif ($k eq 'sleep') {
            select(undef, undef, undef, $s->{ms} / 1000);
        } elsif ($k eq 'gate') {
            emit({ event => 'gated', handle => $handle, gate => $s->{gate} });
            wait_gate($s->{gate});
        }
    }
    my $o = $b->{outcome};
    my $k = $o->{kind};
    my $form = defined $o->{form} ? $o->{form} : 'native';
    if ($k eq 'die') {
        # Like a crash: no result packet and no graceful close.
        kill 'KILL', $$;
        exit 3;
    }
    if ($k eq 'exit') {
        # The application exits while it holds the job (perl's own exit path).
        exit($o->{code});
    }
    # 'finished' goes out before the return or die that makes the library send the result.
    emit({ event => 'finished', handle => $handle, outcome => $k });
    if ($k eq 'complete') {
        my $result = defined $o->{payload} ? decode_base64($o->{payload}) : $workload;
        $worker->send_work_complete($job, $result) if $form eq 'call';
        return $result;
    } elsif ($k eq 'fail') {
        die "gearspec: job failed (fail/throw)\n" if $form eq 'throw';
        $worker->send_work_fail($job) if $form eq 'call';
        return undef;
    } elsif ($k eq 'exception') {
        my $payload = decode_base64($o->{payload});
        if ($form eq 'call') {
            $worker->send_work_exception($job, $payload);
            return undef;
        }
        die $payload;    # native and throw: die is perl's exception
    }
    return undef;
}

sub worker_loop {
    my $worker = Gearman::Worker->new(job_servers => [@servers]);
    while (1) {
        my $cmd = read_command();
        my $op = $cmd->{op};
        my $id = defined $cmd->{id} ? $cmd->{id} : '';
        if ($op eq 'register') {
            my $fn = $cmd->{function};
            my $b = $cmd->{behaviour};
            my $why = unsupported_outcome(ref $b eq 'HASH' ? $b->{outcome} : undef);
            if (defined $why) {
                emit({ event => 'error', id => $id, message => $why });
            } else {
                my $ok = $worker->register_function($fn => sub { return run_job($worker, $_[0], $fn, $b); });
                # A false return is the library's own failure (not a form the driver cannot
                # express): it means CAN_DO did not reach every job server (Worker.pm 470-478).
                # It is reported as a library error, without the register's id, and the
                # application carries on with the servers that did take it.
                emit({ event => 'error', message => "register_function $fn returned false: not every job server took CAN_DO" }) unless $ok;
            }
            emit({ event => 'done', id => $id });
        } elsif ($op eq 'work') {
            emit({ event => 'done', id => $id });
            # work() loops for good; when it dies (e.g. on an ERROR packet where it expects a job,
            # Gearman/Worker.pm line 326) the application dies with it, as an uncaught die would.
            eval { $worker->work(); 1 } and exit 0;
            my $err = $@;
            emit({ event => 'error', message => "work: $err" });
            print STDERR $err;
            exit 255;
        } elsif ($op eq 'quit') {
            exit 0;
        } else {
            emit({ event => 'error', id => $id, message => "worker driver: unsupported op $op before work" });
            emit({ event => 'done', id => $id }) if $id ne '';
        }
    }
}

if ($role eq 'client') {
    client_loop();
} elsif ($role eq 'worker') {
    worker_loop();
} else {
    emit({ event => 'error', message => "unknown role $role" });
    exit 2;
}
