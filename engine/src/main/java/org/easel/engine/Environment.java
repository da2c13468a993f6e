package org.easel.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.easel.engine.schema.Folders;

/**
 * Where a node finds the outside world: the folders (models, input, output, temp, user), the
 * device to run on, and shared services (e.g. the ONNX session pool) keyed by their class.
 */
public final class Environment implements Folders {
    private final Path models;
    private final Path input;
    private final Path output;
    private final Path temp;
    private final Path user;
    private final Path customNodes;
    private final String device;
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

    /** Custom nodes (scripts) are looked for in {@code custom_nodes/} beside {@code models}. */
    public Environment(Path models, Path input, Path output, Path temp, Path user, String device) {
        this(models, input, output, temp, user, models.toAbsolutePath().normalize().resolveSibling("custom_nodes"), device);
    }

    public Environment(Path models, Path input, Path output, Path temp, Path user, Path customNodes, String device) {
        this.customNodes = customNodes.toAbsolutePath().normalize();
        this.models = models.toAbsolutePath().normalize();
        this.input = input.toAbsolutePath().normalize();
        this.output = output.toAbsolutePath().normalize();
        this.temp = temp.toAbsolutePath().normalize();
        this.user = user.toAbsolutePath().normalize();
        this.device = Objects.requireNonNull(device);
    }

    /** Folders under one base directory: models/, input/, output/, temp/, user/, custom_nodes/. */
    public static Environment under(Path base, String device) {
        return new Environment(base.resolve("models"), base.resolve("input"), base.resolve("output"),
                base.resolve("temp"), base.resolve("user"), device);
    }

    @Override public Path modelsDir() { return models; }
    @Override public Path inputDir() { return input; }
    @Override public Path outputDir() { return output; }
    @Override public Path tempDir() { return temp; }
    @Override public Path userDir() { return user; }
    /** The folder of custom (script) nodes. */
    public Path customNodesDir() { return customNodes; }
    /** {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public String device() { return device; }

    /** The shared service of this type, created once with {@code factory}. */
    @SuppressWarnings("unchecked")
    public <T> T service(Class<T> type, Supplier<T> factory) {
        return (T) services.computeIfAbsent(type, k -> factory.get());
    }

    /** The shared service of this type if one was created. */
    public <T> T serviceIfPresent(Class<T> type) {
        return type.cast(services.get(type));
    }

    public <T> void putService(Class<T> type, T service) {
        services.put(type, service);
    }

    /** Calls {@link Releasable#release()} on every shared service that can free memory (e.g. unload models). */
    public void release() {
        for (Object s : services.values()) {
            if (s instanceof Releasable r) r.release();
        }
    }

    /**
     * Closes every shared service that is {@link AutoCloseable} and forgets them all; a later
     * {@link #service} call creates a fresh one. The first failure is rethrown after all were tried.
     */
    public void closeServices() throws Exception {
        Exception first = null;
        for (Object s : services.values()) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) first = e;
                }
            }
        }
        services.clear();
        if (first != null) throw first;
    }
}
