package io.sluice.core.io;

import java.util.Properties;

/** Whole numbers read from a configuration file, with one message for every key that holds something else. */
public final class ConfigNumbers {

    private ConfigNumbers() {
    }

    /** The value of {@code key}, or {@code defaultValue} when it is not set. */
    public static long wholeNumber(Properties properties, String key, long defaultValue) {
        String text = properties.getProperty(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key '" + key + "' must be a whole number, got '" + text + "'");
        }
    }
}
