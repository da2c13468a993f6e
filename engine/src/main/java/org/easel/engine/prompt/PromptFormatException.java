package org.easel.engine.prompt;

/** The prompt JSON is not in the API format at all (not an object, a node that is not an object…). */
public class PromptFormatException extends Exception {
    public PromptFormatException(String message) {
        super(message);
    }
}
