package org.easel.nodes.text;

import org.easel.nodes.text.PromptWeights.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PromptWeightsTest {

    private static void check(List<Segment> actual, Object... textWeight) {
        assertEquals(textWeight.length / 2, actual.size(), actual.toString());
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(textWeight[2 * i], actual.get(i).text(), "text " + i);
            assertEquals(((Number) textWeight[2 * i + 1]).floatValue(), actual.get(i).weight(), 1e-6f, "weight " + i);
        }
    }

    @Test
    void plainText() {
        check(PromptWeights.parse("a cat"), "a cat", 1.0);
    }

    @Test
    void explicitAndImplicitWeights() {
        check(PromptWeights.parse("a (b:1.2) c"), "a ", 1.0, "b", 1.2, " c", 1.0);
        check(PromptWeights.parse("(b)"), "b", 1.1);
        check(PromptWeights.parse("((b))"), "b", 1.1 * 1.1);
        // inner explicit weight replaces the accumulated one
        check(PromptWeights.parse("((b:1.5))"), "b", 1.5);
        // nested group inside explicit weight: 0.5 * 1.1
        check(PromptWeights.parse("(x (y):0.5)"), "x ", 0.5, "y", 0.55);
    }

    @Test
    void nonNumericColonIsText() {
        check(PromptWeights.parse("(a:b)"), "a:b", 1.1);
        check(PromptWeights.parse("(:2)"), ":2", 1.1); // colon at index 0 is not a weight
    }

    @Test
    void escapesAndUnbalanced() {
        check(PromptWeights.parse("\\(a\\) b"), "(a) b", 1.0);
        check(PromptWeights.parse("(a"), "(a", 1.0);
        check(PromptWeights.parse("a) b"), "a) b", 1.0);
    }
}
