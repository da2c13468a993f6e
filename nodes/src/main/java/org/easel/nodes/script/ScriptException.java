package org.easel.nodes.script;

/**
 * A script failed: the message says where (file and line when known) and why, ready to show to the user.
 * {@link #interrupted()} means the user interrupted the run rather than the script failing.
 */
public final class ScriptException extends RuntimeException {
    private final boolean interrupted;
    private final boolean contextLost;

    ScriptException(String message, boolean interrupted, boolean contextLost) {
        super(message);
        this.interrupted = interrupted;
        this.contextLost = contextLost;
    }

    ScriptException(String message) {
        this(message, false, false);
    }

    public boolean interrupted() { return interrupted; }

    /** The script's context was cancelled or broken and must not be used again. */
    boolean contextLost() { return contextLost; }
}
