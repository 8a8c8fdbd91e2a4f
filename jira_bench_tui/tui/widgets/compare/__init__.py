"""The compare screen's parts: what it shows (data, without Textual), the summary table, the scenario x run matrix,
the plots and the paired differences."""
