package org.easel.nodes.types;

/** Limits shared by nodes and codecs. */
public final class Limits {
    private Limits() {}

    /**
     * ComfyUI's MAX_RESOLUTION: the largest width or height a size input takes, and the largest side of an
     * image that is decoded or produced.
     */
    public static final int MAX_RESOLUTION = 16384;
}
