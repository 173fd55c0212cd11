from vitalscope.cli.main import main

main()
