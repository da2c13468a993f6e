package org.easel.nodes.script;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.graalvm.polyglot.PolyglotException;

/**
 * The script nodes of one or more custom nodes folders, kept in step with a {@link NodeRegistry}. Every
 * {@code *.js} / {@code *.mjs} file directly in a folder (names starting with {@code _} or {@code .} are
 * helpers a script may import, not node files) defines node types. A file that fails to load is listed as
 * a {@link FailedScript} under its file name. {@link #reload()} applies added, edited and removed files;
 * {@link #watch()} does it whenever a folder changes.
 */
public final class CustomNodes implements AutoCloseable {
    private static final long SETTLE_MS = 100;

    private final NodeRegistry registry;
    private final Supplier<ScriptSandbox> sandbox;
    private final List<Path> folders;
    private final PrintStream log;
    private final Map<Path, Loaded> files = new HashMap<>();
    private final Map<String, Path> owners = new HashMap<>();
    private WatchService watcher;
    private Thread watchThread;

    public CustomNodes(NodeRegistry registry, ScriptSandbox sandbox, List<Path> folders, PrintStream log) {
        this(registry, () -> sandbox, folders, log);
    }

    /** {@code sandbox} is asked for only when there is a script to load. */
    public CustomNodes(NodeRegistry registry, Supplier<ScriptSandbox> sandbox, List<Path> folders, PrintStream log) {
        this.registry = registry;
        this.sandbox = sandbox;
        LinkedHashSet<Path> f = new LinkedHashSet<>();
        for (Path p : folders) f.add(p.toAbsolutePath().normalize());
        this.folders = List.copyOf(f);
        this.log = log;
    }

    /**
     * Loads the scripts of the environment's custom nodes folder and of {@code extraFolders} into
     * {@code registry} (with the environment's sandbox) and returns the loader, for {@link #watch()}.
     */
    public static CustomNodes load(NodeRegistry registry, Environment env, PrintStream log, Path... extraFolders) {
        List<Path> all = new ArrayList<>();
        all.add(env.customNodesDir());
        all.addAll(List.of(extraFolders));
        CustomNodes c = new CustomNodes(registry, () -> ScriptSandbox.of(env), all, log);
        c.reload();
        return c;
    }

    public List<Path> folders() { return folders; }

    /** Script files that failed to load → the reason. */
    public synchronized Map<String, String> failures() {
        Map<String, String> m = new TreeMap<>();
        files.forEach((p, l) -> { if (l.error != null) m.put(p.toString(), l.error); });
        return m;
    }

    /** Node type names defined by scripts, by file. */
    public synchronized Map<Path, List<String>> nodeNames() {
        Map<Path, List<String>> m = new TreeMap<>();
        files.forEach((p, l) -> m.put(p, l.nodes.stream().map(n -> n.schema().name()).toList()));
        return m;
    }

    /** Brings the registry in line with the folders: loads new and edited files, drops removed ones. */
    public synchronized void reload() {
        Map<Path, String> present = new LinkedHashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) continue;
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(CustomNodes::isNodeFile).sorted().forEach(p -> present.put(p, null));
            } catch (IOException e) {
                say("cannot list " + folder + ": " + e.getMessage());
            }
        }
        for (Path p : new ArrayList<>(files.keySet())) {
            if (!present.containsKey(p)) {
                drop(files.remove(p));
                say("removed " + p.getFileName());
            }
        }
        for (Path p : present.keySet()) {
            String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue;                       // vanished or unreadable right now; the next change retries
            }
            Loaded old = files.get(p);
            if (old != null && old.text.equals(text)) continue;
            Loaded now = load(p, text);
            add(p, now);                        // replaces the old version's nodes in place…
            if (old != null) drop(old);         // …then drops the names it no longer defines
            files.put(p, now);
            if (now.error != null) say("failed to load " + p.getFileName() + ": " + now.error);
            else say((old == null ? "loaded " : "reloaded ") + p.getFileName() + ": "
                    + String.join(", ", now.nodes.stream().map(n -> n.schema().name()).toList()));
        }
    }

    private Loaded load(Path p, String text) {
        String file = p.getFileName().toString();
        ScriptFile script;
        try {
            script = ScriptFile.load(p, sandbox.get());
        } catch (ScriptException | IOException | PolyglotException | IllegalArgumentException e) {
            return failed(p, text, e.getMessage());
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < script.schemas().size(); i++) {
            String name = script.schemas().get(i).name();
            if (!names.add(name)) return failed(p, text, script, "node " + name + " is defined twice");
            Path owner = owners.get(name);
            if (owner != null && !owner.equals(p)) {
                return failed(p, text, script, "node " + name + " is already defined by " + owner.getFileName());
            }
            Node existing = registry.get(name);
            if (existing != null && !isScript(existing)) {
                return failed(p, text, script, "node " + name + " is a built-in node; choose another name");
            }
            nodes.add(new ScriptNode(script, i));
        }
        return new Loaded(text, script, List.copyOf(nodes), null);
    }

    private Loaded failed(Path p, String text, ScriptFile script, String reason) {
        script.close();
        return failed(p, text, reason);
    }

    private Loaded failed(Path p, String text, String reason) {
        return new Loaded(text, null, List.of(new FailedScript(p.getFileName().toString(), reason)), reason);
    }

    private void add(Path p, Loaded l) {
        for (Node n : l.nodes) {
            try {
                registry.replace(n, CustomNodes::isScript);
                owners.put(n.schema().name(), p);
            } catch (IllegalStateException e) {
                say("cannot list " + p.getFileName() + ": " + e.getMessage());
            }
        }
    }

    private void drop(Loaded l) {
        for (Node n : l.nodes) {
            if (registry.unregister(n.schema().name(), n)) owners.remove(n.schema().name());
        }
        if (l.script != null) l.script.close();
    }

    private static boolean isScript(Node n) {
        return n instanceof ScriptNode || n instanceof FailedScript;
    }

    static boolean isNodeFile(Path p) {
        String n = p.getFileName().toString();
        return (n.endsWith(".js") || n.endsWith(".mjs")) && !n.startsWith("_") && !n.startsWith(".") && Files.isRegularFile(p);
    }

    private void say(String line) {
        if (log != null) log.println("custom nodes: " + line);
    }

    // ---- hot reload ----------------------------------------------------------------------------------------

    /**
     * Watches the folders (the first one is created if missing) and reloads after each change settles.
     * Idempotent; {@link #close()} stops it.
     */
    public synchronized CustomNodes watch() throws IOException {
        if (watcher != null) return this;
        Files.createDirectories(folders.get(0));
        WatchService ws = folders.get(0).getFileSystem().newWatchService();
        for (Path f : folders) {
            if (Files.isDirectory(f)) {
                f.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
        watcher = ws;
        reload();                              // changes made before the watch began
        watchThread = new Thread(() -> watchLoop(ws), "easel-custom-nodes-watcher");
        watchThread.setDaemon(true);
        watchThread.start();
        return this;
    }

    private void watchLoop(WatchService ws) {
        try {
            while (true) {
                WatchKey key = ws.take();
                do {
                    key.pollEvents();
                    key.reset();
                    key = ws.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
                } while (key != null);
                try {
                    reload();
                } catch (RuntimeException e) {
                    say("reload failed: " + e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        }
    }

    @Override
    public void close() {
        WatchService ws;
        Thread t;
        synchronized (this) {
            ws = watcher;
            t = watchThread;
            watcher = null;
            watchThread = null;
        }
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (t != null) t.interrupt();
    }

    private record Loaded(String text, ScriptFile script, List<Node> nodes, String error) {}
}
