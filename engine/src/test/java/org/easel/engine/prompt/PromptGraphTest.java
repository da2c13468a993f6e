package org.easel.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptGraphTest {
    /** Every input named "in…" is declared; others ("extra") are not. */
    private static PromptGraph graph(String json) throws Exception {
        return PromptGraph.of(Prompt.parse(json), (n, input) -> input.startsWith("in"));
    }

    private static final String DIAMOND = """
            {"out": {"class_type": "T", "inputs": {"in1": ["b", 0], "in2": ["c", 0]}},
             "c":   {"class_type": "T", "inputs": {"in": ["a", 0]}},
             "b":   {"class_type": "T", "inputs": {"in": ["a", 0]}},
             "a":   {"class_type": "T", "inputs": {"x": 1}},
             "lone":{"class_type": "T", "inputs": {}},
             "out2":{"class_type": "T", "inputs": {"in": ["c", 0], "extra": ["lone", 0]}}}""";

    @Test
    void orderPutsSourcesFirstAndKeepsPromptOrderOtherwise() throws Exception {
        PromptGraph g = graph(DIAMOND);
        assertFalse(g.hasCycles());
        // of the nodes whose sources are done, the one earliest in the prompt goes next: "c" before "b",
        // "out" (first in the prompt) as soon as it can, "lone" only after it
        assertEquals(List.of("a", "c", "b", "out", "lone", "out2"), g.order());
        assertEquals(List.of("c", "b"), g.order(Set.of("b", "c")));
        assertEquals(List.of("b", "out"), g.order(Set.of("out", "b")));
    }

    @Test
    void needsAndDependentsFollowDeclaredLinksOnly() throws Exception {
        PromptGraph g = graph(DIAMOND);
        assertEquals(Set.of("out", "b", "c", "a"), g.needs(List.of("out")));
        assertEquals(Set.of("out2", "c", "a"), g.needs(List.of("out2")));      // "extra" is not declared
        assertEquals(List.of("out", "out2"), g.dependentOutputs("a", List.of("out", "out2")));
        assertEquals(List.of("out"), g.dependentOutputs("b", List.of("out", "out2")));
        assertEquals(List.of(), g.dependentOutputs("lone", List.of("out", "out2")));
        assertEquals(List.of("b", "c"), g.sources("out"));
    }

    @Test
    void linkToAMissingNodeIsLeftOut() throws Exception {
        PromptGraph g = graph("{\"1\": {\"class_type\": \"T\", \"inputs\": {\"in\": [\"9\", 0]}}}");
        assertEquals(List.of("1"), g.order());
        assertEquals(List.of(), g.sources("1"));
    }

    @Test
    void cyclesComeWithAPathAndTheRestIsStillOrdered() throws Exception {
        PromptGraph g = graph("""
                {"1": {"class_type": "T", "inputs": {"in": ["3", 0]}},
                 "2": {"class_type": "T", "inputs": {"in": ["1", 0]}},
                 "3": {"class_type": "T", "inputs": {"in": ["2", 0]}},
                 "4": {"class_type": "T", "inputs": {"in": ["3", 0]}},
                 "5": {"class_type": "T", "inputs": {"in": ["5", 0]}},
                 "6": {"class_type": "T", "inputs": {}}}""");
        assertTrue(g.hasCycles());
        assertEquals(2, g.cycles().size());
        assertEquals(List.of("1", "2", "3"), g.cycles().get(0).nodes());
        assertEquals(List.of("1", "2", "3", "1"), g.cycles().get(0).path());
        assertEquals(List.of("5", "5"), g.cycles().get(1).path());
        assertEquals(List.of("4", "6"), g.order());            // nodes on cycles are left out
        assertEquals(Set.of("4", "3", "2", "1"), g.needs(List.of("4")));
    }
}
