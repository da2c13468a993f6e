package org.easel.engine.prompt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiPredicate;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * The dependency graph of one prompt, built once: an edge from each node to every node that links from
 * one of its outputs through a declared input. It answers the questions validation and execution ask:
 * the order (sources first, ties in prompt order), the dependency cycles with a path around each, the
 * nodes an output needs, and the outputs that depend on a node.
 * <p>
 * The edges are kept as arrays of node positions, so that ordering a prompt of thousands of nodes costs
 * little on every validation; when the order cannot include every node, JGraphT's strongly connected
 * components name the cycles.
 */
public final class PromptGraph {
    /** A dependency cycle: every node on it (in prompt order), and one path around it (first node repeated at the end). */
    public record Cycle(List<String> nodes, List<String> path) {}

    private static final int[] NONE = new int[0];

    private final Prompt prompt;
    private final String[] ids;                    // by position in the prompt
    private final Map<String, Integer> position;
    private final int[][] sources;                 // distinct declared link sources, by position
    private int[][] consumers;                     // the reverse, made when first needed
    private final List<Cycle> cycles = new ArrayList<>();
    private final boolean[] onCycle;
    private final List<String> order;

    private PromptGraph(Prompt prompt, BiPredicate<PromptNode, String> declared) {
        this.prompt = prompt;
        int n = prompt.size();
        ids = prompt.nodes().keySet().toArray(new String[0]);
        position = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) position.put(ids[i], i);
        sources = new int[n][];
        int i = 0;
        for (PromptNode node : prompt.nodes().values()) {
            int[] src = NONE;
            int count = 0;
            for (Map.Entry<String, Object> in : node.inputs().entrySet()) {
                if (!(in.getValue() instanceof Link l)) continue;
                Integer s = position.get(l.nodeId());
                if (s == null || contains(src, count, s) || !declared.test(node, in.getKey())) continue;
                if (count == src.length) src = Arrays.copyOf(src, Math.max(2, count * 2));
                src[count++] = s;
            }
            sources[i++] = count == src.length ? src : Arrays.copyOf(src, count);
        }
        onCycle = new boolean[n];
        List<String> sorted = sort(null);
        if (sorted.size() < n) {
            findCycles();
            sorted = sort(null);
        }
        order = List.copyOf(sorted);
    }

    /**
     * The graph of {@code prompt}; {@code declared} tells whether an input of a node is one it declares
     * (links through other inputs are ignored, as ComfyUI does). Links to nodes not in the prompt are left out.
     */
    public static PromptGraph of(Prompt prompt, BiPredicate<PromptNode, String> declared) {
        return new PromptGraph(prompt, declared);
    }

    private static boolean contains(int[] a, int count, int v) {
        for (int i = 0; i < count; i++) if (a[i] == v) return true;
        return false;
    }

    /**
     * Kahn's algorithm over the nodes in {@code subset} (positions; null = all) that are on no cycle:
     * each next node is the earliest in the prompt whose sources in the subset are done.
     */
    private List<String> sort(boolean[] subset) {
        int n = ids.length;
        int[] waiting = new int[n];
        int[][] out = consumers();
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int v = 0; v < n; v++) {
            if (onCycle[v] || (subset != null && !subset[v])) continue;
            for (int s : sources[v]) if (!onCycle[s] && (subset == null || subset[s])) waiting[v]++;
            if (waiting[v] == 0) ready.add(v);
        }
        List<String> sorted = new ArrayList<>();
        while (!ready.isEmpty()) {
            int v = ready.poll();
            sorted.add(ids[v]);
            for (int c : out[v]) {
                if (onCycle[c] || (subset != null && !subset[c])) continue;
                if (--waiting[c] == 0) ready.add(c);
            }
        }
        return sorted;
    }

    private synchronized int[][] consumers() {
        if (consumers == null) {
            int n = ids.length;
            int[] count = new int[n];
            for (int[] src : sources) for (int s : src) count[s]++;
            int[][] c = new int[n][];
            for (int v = 0; v < n; v++) c[v] = count[v] == 0 ? NONE : new int[count[v]];
            int[] fill = new int[n];
            for (int v = 0; v < n; v++) for (int s : sources[v]) c[s][fill[s]++] = v;
            consumers = c;
        }
        return consumers;
    }

    /** JGraphT's strongly connected components: each set of two or more nodes, or a node linking to itself, is a cycle. */
    private void findCycles() {
        Graph<Integer, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
        for (int v = 0; v < ids.length; v++) g.addVertex(v);
        for (int v = 0; v < ids.length; v++) for (int s : sources[v]) g.addEdge(s, v);
        for (Set<Integer> scc : new KosarajuStrongConnectivityInspector<>(g).stronglyConnectedSets()) {
            int any = scc.iterator().next();
            if (scc.size() == 1 && !contains(sources[any], sources[any].length, any)) continue;
            List<Integer> members = scc.stream().sorted().toList();
            for (int v : members) onCycle[v] = true;
            cycles.add(new Cycle(members.stream().map(v -> ids[v]).toList(), pathAround(scc, members.get(0))));
        }
        cycles.sort(Comparator.comparing(c -> position.get(c.nodes().get(0))));
    }

    /** A shortest path from {@code start} back to itself inside the set. */
    private List<String> pathAround(Set<Integer> scc, int start) {
        int[][] out = consumers();
        Map<Integer, Integer> parent = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>(List.of(start));
        int last = -1;
        search:
        while (!queue.isEmpty()) {
            int cur = queue.poll();
            for (int next : out[cur]) {
                if (!scc.contains(next)) continue;
                if (next == start) {
                    last = cur;
                    break search;
                }
                if (!parent.containsKey(next)) {
                    parent.put(next, cur);
                    queue.add(next);
                }
            }
        }
        List<String> path = new ArrayList<>();
        for (int c = last; c != -1 && c != start; c = parent.get(c)) path.add(0, ids[c]);
        path.add(0, ids[start]);
        path.add(ids[start]);
        return path;
    }

    public Prompt prompt() { return prompt; }

    /** Every node that is on no cycle, each after the nodes it links from; ties in prompt order. */
    public List<String> order() { return order; }

    /**
     * The nodes of {@code subset} (none on a cycle) in dependency order among themselves, ties in prompt order;
     * links through nodes outside the subset do not count.
     */
    public List<String> order(Collection<String> subset) {
        if (subset.isEmpty()) return List.of();
        if (subset.size() == 1) return List.copyOf(subset);
        if (subset.size() == ids.length && cycles.isEmpty()) return order;
        boolean[] in = new boolean[ids.length];
        for (String id : subset) in[position.get(id)] = true;
        return sort(in);
    }

    public boolean hasCycles() { return !cycles.isEmpty(); }

    /** Each set of nodes that depend on one another, with a path around it; in prompt order of their first node. */
    public List<Cycle> cycles() { return cycles; }

    /** The distinct nodes {@code id} links from through declared inputs. */
    public List<String> sources(String id) {
        return Arrays.stream(sources[position.get(id)]).mapToObj(s -> ids[s]).toList();
    }

    /** The nodes {@code outputs} need: themselves and every node they link from, directly or not. */
    public Set<String> needs(Collection<String> outputs) {
        boolean[] seen = new boolean[ids.length];
        Deque<Integer> stack = new ArrayDeque<>();
        Set<String> result = new HashSet<>();
        for (String o : outputs) {
            int v = position.get(o);
            if (!seen[v]) {
                seen[v] = true;
                stack.push(v);
            }
        }
        while (!stack.isEmpty()) {
            int v = stack.pop();
            result.add(ids[v]);
            for (int s : sources[v]) {
                if (!seen[s]) {
                    seen[s] = true;
                    stack.push(s);
                }
            }
        }
        return result;
    }

    /** The nodes of {@code outputs} (kept in their order) that depend on {@code id}, or are it. */
    public List<String> dependentOutputs(String id, List<String> outputs) {
        int[][] out = consumers();
        boolean[] seen = new boolean[ids.length];
        Deque<Integer> queue = new ArrayDeque<>();
        int start = position.get(id);
        seen[start] = true;
        queue.add(start);
        while (!queue.isEmpty()) {
            for (int c : out[queue.poll()]) {
                if (!seen[c]) {
                    seen[c] = true;
                    queue.add(c);
                }
            }
        }
        List<String> deps = new ArrayList<>();
        for (String o : outputs) if (seen[position.get(o)]) deps.add(o);
        return deps;
    }
}
