extension Duration {
    /// The duration in whole nanoseconds (rounded toward zero), saturating at `Int64`'s bounds
    /// (about 292 years). `components` divides 128-bit attoseconds twice; a duration that fits
    /// in 64-bit attoseconds (under about 9.2 seconds, as a request's time and a timer's delay
    /// nearly always do) takes one 64-bit division here.
    package var wholeNanoseconds: Int64 {
        let attoseconds = attoseconds
        if let small = Int64(exactly: attoseconds) { return small / 1_000_000_000 }
        return Int64(clamping: attoseconds / 1_000_000_000)
    }
}
