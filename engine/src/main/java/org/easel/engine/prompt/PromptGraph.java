package org.easel.engine.prompt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.jgrapht.Graph;
import org.jgrapht.Graphs;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.AsSubgraph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.NotDirectedAcyclicGraphException;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * The dependency graph of one prompt, built once with JGraphT: an edge from each node to every node that
 * links from one of its outputs through a declared input. It answers the questions validation and
 * execution ask: the order (sources first, ties in prompt order), the dependency cycles with a path
 * through each, the nodes an output needs, and the outputs that depend on a node.
 */
public final class PromptGraph {
    /** A dependency cycle: every node on it (in prompt order), and one path around it (first node repeated at the end). */
    public record Cycle(List<String> nodes, List<String> path) {}

    private final Prompt prompt;
    private final Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    private final Map<String, Integer> position = new HashMap<>();
    private final Comparator<String> promptOrder = Comparator.comparingInt(position::get);
    private final List<Cycle> cycles = new ArrayList<>();
    private final Set<String> onCycle = new HashSet<>();
    private final List<String> order = new ArrayList<>();

    private PromptGraph(Prompt prompt) {
        this.prompt = prompt;
    }

    /**
     * The graph of {@code prompt}; {@code declared} tells whether an input of a node is one it declares
     * (links through other inputs are ignored, as ComfyUI does). Links to nodes not in the prompt are left out.
     */
    public static PromptGraph of(Prompt prompt, BiPredicate<PromptNode, String> declared) {
        PromptGraph g = new PromptGraph(prompt);
        int i = 0;
        for (String id : prompt.nodes().keySet()) {
            g.position.put(id, i++);
            g.graph.addVertex(id);
        }
        for (PromptNode n : prompt.nodes().values()) {
            for (Map.Entry<String, Object> in : n.inputs().entrySet()) {
                if (in.getValue() instanceof Link l && g.position.containsKey(l.nodeId()) && declared.test(n, in.getKey())
                        && !g.graph.containsEdge(l.nodeId(), n.id())) {
                    g.graph.addEdge(l.nodeId(), n.id());
                }
            }
        }
        g.sort();
        return g;
    }

    private void sort() {
        try {
            new TopologicalOrderIterator<>(graph, promptOrder).forEachRemaining(order::add);
            return;
        } catch (NotDirectedAcyclicGraphException e) {
            order.clear();
        }
        for (Set<String> scc : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
            String any = scc.iterator().next();
            if (scc.size() == 1 && !graph.containsEdge(any, any)) continue;
            cycles.add(new Cycle(scc.stream().sorted(promptOrder).toList(), pathAround(scc)));
            onCycle.addAll(scc);
        }
        cycles.sort(Comparator.comparing(c -> c.path().get(0), promptOrder));
        Set<String> rest = new HashSet<>(graph.vertexSet());
        rest.removeAll(onCycle);
        new TopologicalOrderIterator<>(new AsSubgraph<>(graph, rest), promptOrder).forEachRemaining(order::add);
    }

    /** A shortest path from the set's first node (in prompt order) back to itself, inside the set. */
    private List<String> pathAround(Set<String> scc) {
        String start = scc.stream().min(promptOrder).orElseThrow();
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        String last = null;
        search:
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            for (String next : Graphs.successorListOf(graph, cur)) {
                if (!scc.contains(next)) continue;
                if (next.equals(start)) {
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
        for (String c = last; c != null && !c.equals(start); c = parent.get(c)) path.add(0, c);
        path.add(0, start);
        path.add(start);
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
        if (subset.size() == order.size() && onCycle.isEmpty()) return order;
        List<String> out = new ArrayList<>(subset.size());
        Set<String> set = subset instanceof Set<String> s ? s : new HashSet<>(subset);
        new TopologicalOrderIterator<>(new AsSubgraph<>(graph, set), promptOrder).forEachRemaining(out::add);
        return out;
    }

    public boolean hasCycles() { return !cycles.isEmpty(); }

    /** Each set of nodes that depend on one another, with a path around it; in prompt order of their first node. */
    public List<Cycle> cycles() { return cycles; }

    /** The distinct nodes {@code id} links from through declared inputs. */
    public List<String> sources(String id) { return Graphs.predecessorListOf(graph, id); }

    /** The nodes {@code outputs} need: themselves and every node they link from, directly or not. */
    public Set<String> needs(Collection<String> outputs) {
        Set<String> seen = new HashSet<>(outputs);
        Deque<String> stack = new ArrayDeque<>(outputs);
        while (!stack.isEmpty()) {
            for (String s : Graphs.predecessorListOf(graph, stack.pop())) if (seen.add(s)) stack.push(s);
        }
        return seen;
    }

    /** The nodes of {@code outputs} (kept in their order) that depend on {@code id}, or are it. */
    public List<String> dependentOutputs(String id, List<String> outputs) {
        Set<String> seen = new LinkedHashSet<>(List.of(id));
        Deque<String> queue = new ArrayDeque<>(List.of(id));
        while (!queue.isEmpty()) {
            for (String s : Graphs.successorListOf(graph, queue.poll())) if (seen.add(s)) queue.add(s);
        }
        List<String> deps = new ArrayList<>();
        for (String o : outputs) if (seen.contains(o)) deps.add(o);
        return deps;
    }
}
