package org.easel.nodes.script;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.easel.engine.Environment;
import org.easel.engine.ExecutionInterruptedException;
import org.easel.engine.NodeContext;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The JavaScript sandbox: one shared GraalVM {@link Engine} (parsed code is shared by every context), and
 * contexts that see no Java classes, no files but their own folder (read-only), no network, threads,
 * processes, native code, environment or other languages. Each call runs under a watchdog that cancels
 * it when it exceeds its time budget, when the run is interrupted, or when the Java heap gets nearly full
 * (the community engine has no per-context heap limit); the statement limit is enforced by the engine.
 */
public final class ScriptSandbox implements AutoCloseable {
    private static final long POLL_MS = 10;
    private static final Duration LOAD_BUDGET = Duration.ofSeconds(60);

    private final ScriptLimits limits;
    private final PrintStream log;
    private final Engine engine;
    private final HostAccess hostAccess;
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long lastGc = System.nanoTime() - 2_000_000_000L;
    private final ScheduledExecutorService watchdog;
    private final Map<String, ScriptFile> inline = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ScriptFile> eldest) {
            if (size() <= 32) return false;
            eldest.getValue().close();
            return true;
        }
    };

    public ScriptSandbox(ScriptLimits limits, PrintStream log) {
        this.limits = limits;
        this.log = log;
        this.engine = Engine.newBuilder("js").sandbox(SandboxPolicy.CONSTRAINED)
                .out(new ScriptLog(log, "js")).err(new ScriptLog(log, "js"))
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        // Scripts may read and write buffers handed to them (image data) and nothing else of the host.
        this.hostAccess = HostAccess.newBuilder(HostAccess.CONSTRAINED).allowBufferAccess(true).build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "easel-script-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The environment's shared sandbox, created on first use with the environment's {@link ScriptLimits}
     * service (or the defaults), logging to stderr; unless one was put there.
     */
    public static ScriptSandbox of(Environment env) {
        return env.service(ScriptSandbox.class, () -> {
            ScriptLimits l = env.serviceIfPresent(ScriptLimits.class);
            return new ScriptSandbox(l == null ? ScriptLimits.defaults() : l, System.err);
        });
    }

    public ScriptLimits limits() { return limits; }

    /**
     * The script made of {@code moduleText}, loaded once and kept among the most recently used few
     * (inline code of the {@code JavaScript} node).
     */
    public ScriptFile inline(String name, String moduleText) {
        synchronized (inline) {
            ScriptFile f = inline.get(moduleText);
            if (f != null) return f;
        }
        ScriptFile f = ScriptFile.of(name, moduleText, this);
        synchronized (inline) {
            ScriptFile prev = inline.putIfAbsent(moduleText, f);
            if (prev != null) {
                f.close();
                return prev;
            }
        }
        return f;
    }

    /**
     * A new sandboxed context. {@code folder} is the only folder it may read (for imports), or null for none.
     * {@code name} prefixes its console output in the log.
     */
    Context newContext(Path folder, String name) {
        OutputStream out = new ScriptLog(log, name);
        return Context.newBuilder("js").engine(engine).sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(hostAccess)
                .allowIO(folder == null ? IOAccess.NONE : IOAccess.newBuilder().fileSystem(new FolderFileSystem(folder)).build())
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .out(out).err(out)
                .option("js.esm-eval-returns-exports", "true")
                .option("js.load", "false")
                .option("js.graal-builtin", "false")
                .resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.statementLimit(), null).build())
                .build();
    }

    /**
     * Runs {@code body} in {@code ctx} under the limits. {@code node} (may be null) is checked for
     * interrupts. Failures become a {@link ScriptException} whose message names {@code script} and, when
     * known, the line.
     */
    <T> T run(Context ctx, NodeContext node, String script, Supplier<T> body) {
        return run(ctx, node, script, limits.timeBudget(), body);
    }

    /**
     * Loading a script (a new context's first evaluation) is given at least a minute: the first context
     * of a process initialises the JavaScript runtime, which takes seconds without a JIT compiler.
     */
    <T> T load(Context ctx, NodeContext node, String script, Supplier<T> body) {
        Duration budget = limits.timeBudget().compareTo(LOAD_BUDGET) > 0 ? limits.timeBudget() : LOAD_BUDGET;
        return run(ctx, node, script, budget, body);
    }

    private <T> T run(Context ctx, NodeContext node, String script, Duration budget, Supplier<T> body) {
        ctx.resetLimits();
        Call call = new Call(ctx, node, System.nanoTime() + budget.toNanos(), budget);
        running.add(call);
        try {
            return body.get();
        } catch (PolyglotException e) {
            throw describe(e, script, call);
        } catch (IllegalStateException e) {
            // the context was closed under us (cancelled between two operations)
            if (call.reason != null) throw new ScriptException(script + ": " + call.reason, call.interrupted, true);
            throw e;
        } finally {
            running.remove(call);
        }
    }

    private void watch() {
        if (running.isEmpty()) return;
        long now = System.nanoTime();
        long max = memory.getHeapMemoryUsage().getMax();
        if (max <= 0) max = Runtime.getRuntime().maxMemory();
        long used = memory.getHeapMemoryUsage().getUsed();
        boolean heapFull = used > limits.heapFraction() * max;
        if (heapFull) {
            // Used heap counts garbage too: only a heap still full right after a collection stops scripts.
            if (now - lastGc < 500_000_000L) {
                heapFull = false;
            } else {
                lastGc = now;
                System.gc();
                used = memory.getHeapMemoryUsage().getUsed();
                heapFull = used > limits.heapFraction() * max;
            }
        }
        for (Call c : running) {
            if (c.reason != null) continue;
            if (c.node != null) {
                try {
                    c.node.checkInterrupted();
                } catch (ExecutionInterruptedException e) {
                    c.stop("interrupted", true);
                    continue;
                }
            }
            if (now - c.deadline > 0) {
                c.stop("stopped after the time budget of " + seconds(c.budget.toMillis()) + " (an endless loop?)", false);
            } else if (heapFull) {
                c.stop(String.format("stopped: the Java heap is %d%% full (limit %d%%); the script allocates too much memory",
                        Math.round(100.0 * used / max), Math.round(100 * limits.heapFraction())), false);
            }
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
    }

    private ScriptException describe(PolyglotException e, String script, Call call) {
        boolean lost = e.isCancelled() || e.isResourceExhausted() || e.isInternalError() || e.isExit();
        if (call.reason != null) return new ScriptException(script + ": " + call.reason, call.interrupted, true);
        if (e.isResourceExhausted()) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Statement count limit")) {
                return new ScriptException(script + ": stopped after the limit of " + limits.statementLimit()
                        + " statements per call (an endless loop?)", false, true);
            }
            return new ScriptException(script + ": ran out of resources (" + m + ")", false, true);
        }
        if (e.isCancelled()) return new ScriptException(script + ": cancelled", false, true);
        if (e.isInternalError()) return new ScriptException(script + ": internal error of the JavaScript engine: " + e.getMessage(), false, true);
        String where = location(e);
        String what = String.valueOf(e.getMessage());
        if (e.isSyntaxError()) {
            // "SyntaxError: name:line:col reason\n<source line>\n<caret>" → "SyntaxError: reason"
            what = what.lines().findFirst().orElse(what).replaceFirst("^SyntaxError: ", "");
            what = "SyntaxError: " + what.replaceFirst("^.*?:\\d+:\\d+ ", "");
        }
        return new ScriptException(script + (where == null ? "" : ":" + where) + ": " + what, false, lost);
    }

    /** The line of the error, or of the first frame in the script itself. */
    private static String location(PolyglotException e) {
        SourceSection s = e.getSourceLocation();
        if (s == null) {
            for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
                if (f.isGuestFrame() && f.getSourceLocation() != null && !f.getSourceLocation().getSource().isInternal()) {
                    s = f.getSourceLocation();
                    break;
                }
            }
        }
        if (s == null || !s.isAvailable()) return null;
        return String.valueOf(s.getStartLine());
    }

    @Override
    public void close() {
        synchronized (inline) {
            inline.values().forEach(ScriptFile::close);
            inline.clear();
        }
        watchdog.shutdownNow();
        engine.close(true);
    }

    private static final class Call {
        final Context ctx;
        final NodeContext node;
        final long deadline;
        final Duration budget;
        volatile String reason;
        volatile boolean interrupted;

        Call(Context ctx, NodeContext node, long deadline, Duration budget) {
            this.budget = budget;
            this.ctx = ctx;
            this.node = node;
            this.deadline = deadline;
        }

        void stop(String why, boolean byUser) {
            interrupted = byUser;
            reason = why;
            try {
                ctx.close(true);
            } catch (RuntimeException ignored) {
                // already closing
            }
        }
    }
}
