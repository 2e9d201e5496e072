"""Tests of the transparency-log core, openpeace.core.log."""
