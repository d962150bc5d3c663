//! A file of the dataset cannot be read.
//!
//! Inside a dataset directory: a symbolic link that loops back to a folder containing it, a
//! link whose target is gone, a file removed or made unreadable during the run, or a FIFO,
//! socket or device named like a record file (`x.json`), which factkit never opens because
//! reading it could block forever. Each is reported at its path and the rest of the dataset
//! is still checked. (A path named on the command line that cannot be read is not a
//! finding: the run stops with exit code 2.)
//!
//! Fails: a dataset folder holding `loop -> .` or `gone.json -> missing.json`.
//!
//! Passes: a dataset folder of regular files.
