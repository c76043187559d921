"""The kernel: what every other package may use and that uses none of them (docs/adr/0013-kernel.md)."""
