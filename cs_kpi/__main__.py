from cs_kpi.cli import main

main()
