package org.easel.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.easel.engine.schema.NodeSchema;
import java.util.function.Predicate;

/**
 * All known node types by class name. Filled from {@link ServiceLoader} and by explicit registration;
 * node types loaded at run time (scripts) are added, replaced and removed with {@link #replace} and
 * {@link #unregister}. Reads never lock.
 */
public final class NodeRegistry {
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();

    /** Every node type on the class path (the {@code META-INF/services/org.easel.engine.Node} entries). */
    public static NodeRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public static NodeRegistry load(ClassLoader loader) {
        NodeRegistry r = new NodeRegistry();
        for (Node n : ServiceLoader.load(Node.class, loader)) r.register(n);
        return r;
    }

    public synchronized NodeRegistry register(Node node) {
        String name = node.schema().name();
        Node prev = nodes.putIfAbsent(name, node);
        if (prev != null && prev.getClass() != node.getClass()) {
            throw new IllegalStateException("node type " + name + " is registered twice: by "
                    + prev.getClass().getName() + " and " + node.getClass().getName());
        }
        return this;
    }

    /**
     * Adds {@code node}, or replaces the node of the same name that {@code owns} accepts (e.g. an older
     * version of the same script). Fails when the name belongs to a node {@code owns} rejects, such as a
     * built-in node.
     */
    public synchronized void replace(Node node, Predicate<Node> owns) {
        String name = node.schema().name();
        Node prev = nodes.get(name);
        if (prev != null && prev != node && !owns.test(prev)) {
            throw new IllegalStateException("node type " + name + " is already defined by " + prev.getClass().getSimpleName());
        }
        nodes.put(name, node);
    }

    /** Removes the node type {@code name} if it is still {@code node}; true when it was removed. */
    public synchronized boolean unregister(String name, Node node) {
        return nodes.remove(name, node);
    }

    public Node get(String classType) {
        return nodes.get(classType);
    }

    public boolean contains(String classType) {
        return nodes.containsKey(classType);
    }

    public Collection<Node> all() {
        return Collections.unmodifiableCollection(new TreeMap<>(nodes).values());
    }

    /** ComfyUI's {@code GET /object_info}: every node's schema, sorted by name. */
    public Map<String, Object> objectInfo(Environment env) {
        Map<String, Object> info = new LinkedHashMap<>();
        for (Node n : all()) {
            NodeSchema s = n.schema();
            info.put(s.name(), s.toObjectInfo(env));
        }
        return info;
    }
}
