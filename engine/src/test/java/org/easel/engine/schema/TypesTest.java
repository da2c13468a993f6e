package org.easel.engine.schema;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ComfyUI's validate_node_input (non-strict), as in tests-unit/execution_test/validate_node_input_test.py. */
class TypesTest {
    @Test
    void exactMatch() {
        assertTrue(Types.compatible("IMAGE", "IMAGE"));
        assertFalse(Types.compatible("IMAGE", "MASK"));
        assertFalse(Types.compatible("INT", "FLOAT"));
    }

    @Test
    void anyMatchesEverything() {
        assertTrue(Types.compatible("*", "IMAGE"));
        assertTrue(Types.compatible("LATENT", "*"));
    }

    @Test
    void unionsMatchByIntersectionInAnyOrder() {
        assertTrue(Types.compatible("INT,STRING", "STRING,INT"));
        assertTrue(Types.compatible("STRING,BOOLEAN", "STRING,INT"));
        assertFalse(Types.compatible("FLOAT", "STRING,INT"));
        assertTrue(Types.compatible("INT", "FLOAT,INT"));
        assertTrue(Types.compatible("FLOAT,INT", "INT"));
        assertFalse(Types.compatible("MASK", "IMAGE,FLOAT"));
    }

    @Test
    void whitespaceAroundCommasIsIgnored() {
        assertTrue(Types.compatible("STRING, INT", "INT ,BOOLEAN"));
        assertTrue(Types.compatible("INT", "FLOAT , INT"));
    }

    @Test
    void emptyTypes() {
        assertTrue(Types.compatible("", ""));
        assertFalse(Types.compatible("STRING", ""));
    }
}
