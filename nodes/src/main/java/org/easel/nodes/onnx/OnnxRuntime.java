package org.easel.nodes.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;
import org.easel.engine.Environment;
import org.easel.engine.NodeException;
import org.easel.engine.Releasable;

/**
 * The shared ONNX Runtime: one session per model file (keyed by path + device), created once and reused
 * across prompts, unloaded least-recently-used first when the loaded models exceed a memory budget.
 * Sessions use full graph optimisation, one intra-op thread per core, and keep an optimised copy of each
 * (small) model under {@code models/.cache/ort/} so the next start loads faster.
 */
public final class OnnxRuntime implements AutoCloseable, Releasable {
    private static final Logger LOG = Logger.getLogger(OnnxRuntime.class.getName());

    static {
        OrtNatives.prepare();            // before ONNX Runtime loads its libraries
    }

    private final OrtEnvironment ort;
    private final Device device;
    private final Path cacheDir;
    private final long budgetBytes;
    private final LinkedHashMap<Path, ModelSession> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Path, Integer> leases = new LinkedHashMap<>();
    private final Map<Path, CompletableFuture<ModelSession>> loading = new HashMap<>();
    private boolean closed;

    public OnnxRuntime(String deviceSpec, Path cacheDir, long budgetBytes) {
        this.ort = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "easel");
        this.device = resolve(deviceSpec);
        this.cacheDir = cacheDir;
        this.budgetBytes = budgetBytes;
    }

    /** The runtime shared by every node of this environment. */
    public static OnnxRuntime of(Environment env) {
        return env.service(OnnxRuntime.class, () -> new OnnxRuntime(env.device(),
                env.modelsDir().resolve(".cache").resolve("ort"), defaultBudget()));
    }

    /** {@code EASEL_MODEL_MEMORY_MB}, else 3/4 of physical memory. */
    static long defaultBudget() {
        String mb = System.getenv("EASEL_MODEL_MEMORY_MB");
        if (mb != null && !mb.isBlank()) return Long.parseLong(mb.trim()) * 1024 * 1024;
        long total = physicalMemory();
        return total > 0 ? total / 4 * 3 : 8L << 30;
    }

    /**
     * The machine's memory, or the container's limit when lower; -1 when unknown. On Linux from
     * {@code /proc/meminfo} and the cgroup files (a few µs; the management bean costs ~40 ms of a 1.3 s run).
     */
    static long physicalMemory() {
        long total = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    total = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            total = -1;
        }
        if (total <= 0) {
            try {
                return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            } catch (Throwable t) {
                return -1;
            }
        }
        for (String limitFile : List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            try {
                String v = Files.readString(Path.of(limitFile)).trim();
                if (v.matches("[0-9]+")) total = Math.min(total, Long.parseLong(v));
            } catch (IOException | RuntimeException ignored) {
                // no such limit
            }
        }
        return total;
    }

    private static Device resolve(String spec) {
        if (spec == null || spec.equals("auto")) {
            if (Device.cudaBuildPresent()) {
                LOG.info("device auto: the GPU build of ONNX Runtime is present, using cuda:0");
                return new Device(Device.Kind.CUDA, 0);
            }
            return Device.CPU;
        }
        checkDevice(spec);
        return Device.parse(spec);
    }

    /**
     * Checks before anything runs that this build can use {@code spec} ({@code auto}, {@code cpu},
     * {@code cuda}, {@code cuda:N}). @throws NodeException saying why not
     */
    public static void checkDevice(String spec) {
        if (spec == null || spec.equals("auto")) return;
        Device d = Device.parse(spec);
        if (d.kind() == Device.Kind.CUDA && !Device.cudaBuildPresent()) {
            throw new NodeException("device " + spec + " was requested, but this build has the CPU-only ONNX Runtime. "
                    + "Rebuild with the GPU runtime (EASEL_GPU=1 ./easel …, or mvn -Pgpu package); it needs CUDA 12 and cuDNN 9.");
        }
    }

    public Device device() { return device; }

    /** A lease on the session of {@code modelFile}; closing the lease lets the pool unload it again. */
    public final class Lease implements AutoCloseable {
        private final ModelSession session;
        private boolean closed;

        private Lease(ModelSession session) { this.session = session; }

        public ModelSession session() { return session; }

        @Override
        public void close() {
            synchronized (OnnxRuntime.this) {
                if (closed) return;
                closed = true;
                leases.merge(session.path(), -1, Integer::sum);
                if (leases.get(session.path()) <= 0) leases.remove(session.path());
            }
        }
    }

    /**
     * The session for a model file, loading it (and unloading others past the budget) when needed. A model
     * that another thread is loading (e.g. a {@link #preload}) is waited for, not loaded twice; different
     * models load in parallel.
     */
    public Lease acquire(Path modelFile) {
        Path key = modelFile.toAbsolutePath().normalize();
        CompletableFuture<ModelSession> pending;
        boolean mine = false;
        synchronized (this) {
            ModelSession s = sessions.get(key);
            if (s != null) return lease(key, s);
            pending = loading.get(key);
            if (pending == null) {
                if (!Files.isRegularFile(key)) throw new NodeException("model file not found: " + key);
                pending = new CompletableFuture<>();
                loading.put(key, pending);
                mine = true;
            }
        }
        if (mine) loadInto(key, pending);
        try {
            ModelSession s = pending.join();
            synchronized (this) {
                if (sessions.get(key) == s) return lease(key, s);
            }
            return acquire(key);            // unloaded again before this thread got to it (memory pressure)
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /**
     * Starts loading these models on a background thread, when they fit in the memory budget next to what is
     * loaded (nothing is unloaded for them), so a later {@link #acquire} finds them ready. Failures are left
     * for that acquire to report.
     */
    public void preload(List<Path> modelFiles) {
        List<Path> todo = new ArrayList<>();
        synchronized (this) {
            long used = sessions.values().stream().mapToLong(ModelSession::bytes).sum();
            for (Path f : modelFiles) {
                Path key = f.toAbsolutePath().normalize();
                if (sessions.containsKey(key) || loading.containsKey(key) || !Files.isRegularFile(key)) continue;
                long bytes = ModelFiles.of(key).totalBytes();
                if (used + bytes > budgetBytes) break;
                used += bytes;
                todo.add(key);
            }
        }
        if (todo.isEmpty()) return;
        Thread t = new Thread(() -> {
            for (Path key : todo) {
                CompletableFuture<ModelSession> f;
                synchronized (this) {
                    if (sessions.containsKey(key) || loading.containsKey(key)) continue;
                    f = new CompletableFuture<>();
                    loading.put(key, f);
                }
                loadInto(key, f);
            }
        }, "easel-model-preload");
        t.setDaemon(true);
        t.start();
    }

    /** Loads {@code key} and completes {@code f} with the session (or the failure, which is not kept). */
    private void loadInto(Path key, CompletableFuture<ModelSession> f) {
        try {
            ModelFiles files = ModelFiles.of(key);
            synchronized (this) {
                evictFor(files.totalBytes());
            }
            ModelSession s = load(files);
            synchronized (this) {
                loading.remove(key);
                if (closed) {
                    s.close();
                    throw new IllegalStateException("the ONNX runtime was closed while " + key.getFileName() + " loaded");
                }
                sessions.put(key, s);
            }
            f.complete(s);
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                loading.remove(key);
            }
            f.completeExceptionally(e);
        }
    }

    private Lease lease(Path key, ModelSession s) {
        leases.merge(key, 1, Integer::sum);
        return new Lease(s);
    }

    private void evictFor(long bytes) {
        long used = sessions.values().stream().mapToLong(ModelSession::bytes).sum();
        Iterator<Map.Entry<Path, ModelSession>> it = sessions.entrySet().iterator();
        while (used + bytes > budgetBytes && it.hasNext()) {
            Map.Entry<Path, ModelSession> e = it.next();
            if (leases.containsKey(e.getKey())) continue;
            used -= e.getValue().bytes();
            e.getValue().close();
            it.remove();
        }
    }

    private ModelSession load(ModelFiles files) {
        Path file = files.model();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            int cores = Runtime.getRuntime().availableProcessors();
            o.setIntraOpNumThreads(Math.max(1, cores));
            o.setInterOpNumThreads(1);
            // ONNX Runtime's workers spin after each run by default; between sampler steps that steals the
            // cores from the Java code preparing the next step
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (device.kind() == Device.Kind.CUDA) {
                try {
                    o.addCUDA(device.index());
                } catch (OrtException e) {
                    throw new NodeException("could not start CUDA device " + device + " for " + file.getFileName()
                            + ": " + e.getMessage() + ". Check the NVIDIA driver, CUDA 12 and cuDNN 9, or use --device cpu.");
                }
            }
            Path source = file;
            Path optimized = optimizedCopy(files);
            if (optimized != null && Files.isRegularFile(optimized)) {
                source = optimized;                         // already optimised: skip the work
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            } else {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (optimized != null) {
                    Files.createDirectories(optimized.getParent());
                    o.setOptimizedModelFilePath(optimized.toString());
                }
            }
            OrtSession session;
            try {
                session = ort.createSession(source.toString(), o);
            } catch (OrtException e) {
                if (source.equals(file)) throw e;
                Files.deleteIfExists(source);           // a broken optimised copy: drop it, use the original
                try (OrtSession.SessionOptions plain = new OrtSession.SessionOptions()) {
                    plain.setIntraOpNumThreads(Math.max(1, cores));
                    plain.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    session = ort.createSession(file.toString(), plain);
                }
            }
            return new ModelSession(ort, session, file, device, files.totalBytes());
        } catch (OrtException e) {
            throw new NodeException("could not load ONNX model " + file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where the optimised copy of a model lives, or null when it must not be cached: models with external
     * data (under any file name) or over 2 GB in all (ONNX Runtime cannot rewrite them as one file), large
     * ones, and GPU sessions (whose optimised graphs are device specific).
     */
    private Path optimizedCopy(ModelFiles files) {
        if (cacheDir == null || device.kind() != Device.Kind.CPU) return null;
        if (files.hasExternalData() || files.totalBytes() > ModelFiles.PROTOBUF_LIMIT) return null;
        Path file = files.model();
        try {
            if (Files.size(file) > (512L << 20)) return null;
            String id = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "|" + device
                    + "|" + OrtEnvironment.getEnvironment().getVersion();
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 12; i++) b.append(String.format("%02x", h[i]));
            return cacheDir.resolve(b + ".onnx");
        } catch (Exception e) {
            return null;
        }
    }

    /** Unloads every session not in use (ComfyUI's /free unload_models). */
    public synchronized void unloadAll() {
        Iterator<Map.Entry<Path, ModelSession>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Path, ModelSession> e = it.next();
            if (leases.containsKey(e.getKey())) continue;
            e.getValue().close();
            it.remove();
        }
    }

    /** {@link Releasable}: unloads every session not in use. */
    @Override
    public void release() {
        unloadAll();
    }

    public synchronized int loadedCount() { return sessions.size(); }

    public synchronized long loadedBytes() {
        return sessions.values().stream().mapToLong(ModelSession::bytes).sum();
    }

    @Override
    public synchronized void close() {
        closed = true;
        sessions.values().forEach(ModelSession::close);
        sessions.clear();
    }
}
