package org.easel.engine.schema;

import java.util.Set;

/** The type names ComfyUI users know. Socket types are plain upper-case strings; these are the common ones. */
public final class Types {
    public static final String INT = "INT";
    public static final String FLOAT = "FLOAT";
    public static final String STRING = "STRING";
    public static final String BOOLEAN = "BOOLEAN";
    public static final String COMBO = "COMBO";
    public static final String ANY = "*";

    public static final String MODEL = "MODEL";
    public static final String CLIP = "CLIP";
    public static final String VAE = "VAE";
    public static final String CONDITIONING = "CONDITIONING";
    public static final String LATENT = "LATENT";
    public static final String IMAGE = "IMAGE";
    public static final String MASK = "MASK";
    public static final String UPSCALE_MODEL = "UPSCALE_MODEL";

    /** Types whose values are widgets (literals) rather than links. */
    public static final Set<String> PRIMITIVES = Set.of(INT, FLOAT, STRING, BOOLEAN, COMBO);

    private Types() {}

    /**
     * ComfyUI's non-strict socket check: equal, either side ANY, or comma-separated type sets that
     * intersect ("FLOAT,INT" accepts "INT").
     */
    public static boolean compatible(String received, String expected) {
        if (received.equals(expected) || ANY.equals(received) || ANY.equals(expected)) return true;
        if (received.indexOf(',') < 0 && expected.indexOf(',') < 0) return false;
        for (String r : received.split(",")) {
            for (String e : expected.split(",")) {
                if (r.trim().equals(e.trim())) return true;
            }
        }
        return false;
    }
}
