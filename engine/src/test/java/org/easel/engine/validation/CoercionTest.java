package org.easel.engine.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;

class CoercionTest {
    static JsonNode j(String text) throws Exception {
        return Json.parse(text);
    }

    @Test
    void integers() throws Exception {
        assertEquals(BigInteger.valueOf(5), Coercion.toInteger(j("5")));
        assertEquals(BigInteger.valueOf(5), Coercion.toInteger(j("\"5\"")));
        assertEquals(BigInteger.valueOf(-12), Coercion.toInteger(j("\" -12 \"")));
        assertEquals(BigInteger.valueOf(1000), Coercion.toInteger(j("\"1_000\"")));
        assertEquals(BigInteger.valueOf(3), Coercion.toInteger(j("3.9")), "truncates like int()");
        assertEquals(BigInteger.valueOf(-3), Coercion.toInteger(j("-3.9")), "toward zero");
        assertEquals(BigInteger.ONE, Coercion.toInteger(j("true")));
        assertEquals(new BigInteger("18446744073709551615"), Coercion.toInteger(j("18446744073709551615")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toInteger(j("\"abc\"")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toInteger(j("\"3.5\"")), "int('3.5') fails in Python too");
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toInteger(j("[1]")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toInteger(j("null")));
    }

    @Test
    void longsKeepSixtyFourBits() throws Exception {
        assertEquals(-1L, Coercion.toLong(new BigInteger("18446744073709551615")));
        assertEquals(Long.MAX_VALUE, Coercion.toLong(BigInteger.valueOf(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, Coercion.toLong(BigInteger.valueOf(Long.MIN_VALUE)));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toLong(BigInteger.ONE.shiftLeft(64)));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toLong(BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE)));
    }

    @Test
    void doubles() throws Exception {
        assertEquals(3.0, Coercion.toDouble(j("3")));
        assertEquals(0.25, Coercion.toDouble(j("\"0.25\"")));
        assertEquals(1.0, Coercion.toDouble(j("true")));
        assertTrue(Double.isNaN(Coercion.toDouble(j("\"nan\"".replace("nan", "NaN")))));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toDouble(j("\"x1\"")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toDouble(j("{}")));
    }

    @Test
    void strings() throws Exception {
        assertEquals("abc", Coercion.toStr(j("\"abc\"")));
        assertEquals("12", Coercion.toStr(j("12")));
        assertEquals("1.5", Coercion.toStr(j("1.5")));
        assertEquals("True", Coercion.toStr(j("true")), "Python's str(True)");
        assertEquals("False", Coercion.toStr(j("false")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toStr(j("[\"a\"]")));
    }

    @Test
    void booleans() throws Exception {
        assertTrue(Coercion.toBool(j("true")));
        assertTrue(Coercion.toBool(j("1")));
        assertFalse(Coercion.toBool(j("0.0")));
        assertTrue(Coercion.toBool(j("\"Yes\"")));
        assertFalse(Coercion.toBool(j("\"false\"")), "stricter than Python: the string 'false' is false");
        assertFalse(Coercion.toBool(j("\"\"")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toBool(j("\"maybe\"")));
        assertThrows(Coercion.CoercionException.class, () -> Coercion.toBool(j("null")));
    }

    @Test
    void fromTextGoesThroughTheSameRules() throws Exception {
        assertEquals(BigInteger.valueOf(42), Coercion.toInteger(Coercion.fromText("42")));
        assertTrue(Coercion.toBool(Coercion.fromText("on")));
    }
}
