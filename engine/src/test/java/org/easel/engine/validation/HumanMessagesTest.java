package org.easel.engine.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.util.List;
import org.easel.engine.Suggestions;
import org.easel.engine.schema.InputSpec;
import org.junit.jupiter.api.Test;

class HumanMessagesTest {
    @Test
    void boundsReadAsPowersOfTwoWhenTheyAre() {
        assertEquals("2^64−1", Coercion.bound(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)));
        assertEquals("2^63−1", Coercion.bound(Long.MAX_VALUE));
        assertEquals("-2^63", Coercion.bound(Long.MIN_VALUE));
        assertEquals("2^16", Coercion.bound(65536L));
        assertEquals("10000", Coercion.bound(10000L));
        assertEquals("100", Coercion.bound(100.0));
        assertEquals("0.5", Coercion.bound(0.5));
        assertEquals("∞", Coercion.bound(Double.POSITIVE_INFINITY));
    }

    @Test
    void acceptedRangeOfASeed() {
        InputSpec seed = InputSpec.integer("seed", 0, BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        assertEquals("0 … 2^64−1", Coercion.accepted(seed));
        assertEquals("true or false", Coercion.accepted(InputSpec.bool("flag", true)));
        assertEquals("text", Coercion.accepted(InputSpec.string("s", "")));
    }

    @Test
    void closestName() {
        assertEquals("easel-tiny-sd3", Suggestions.closest("easel-tiny-sd", List.of("sd3.5-medium", "easel-tiny-sd3")));
        assertEquals("KSampler", Suggestions.closest("ksampler", List.of("KSamplerAdvanced", "KSampler")));
        assertNull(Suggestions.closest("x", List.of()));
        assertEquals("euler", Suggestions.nearMiss("eulr", List.of("euler", "heun")));
        assertNull(Suggestions.nearMiss("x", List.of("m0", "m1")));
    }
}
