from postmortem_writer.cli import main

main()
